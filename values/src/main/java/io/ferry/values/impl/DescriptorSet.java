package io.ferry.values.impl;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The message types of a {@code FileDescriptorSet} file, as {@code protoc --include_imports
 * --descriptor_set_out=FILE} writes it. Files are linked in dependency order, whatever their order in the set.
 * Google's well-known types (timestamp.proto, struct.proto, ...) come from protobuf-java when the set lacks
 * them, so a set written without {@code --include_imports} still loads if it imports nothing else.
 */
public final class DescriptorSet {

    private static final Map<String, FileDescriptor> WELL_KNOWN = wellKnown();

    private final Path file;
    private final Map<String, Descriptor> messages;
    private final JsonFormat.TypeRegistry registry;

    private DescriptorSet(Path file, Map<String, Descriptor> messages) {
        this.file = file;
        this.messages = messages;
        this.registry = JsonFormat.TypeRegistry.newBuilder().add(messages.values()).build();
    }

    /**
     * Reads and links the set in {@code file}.
     *
     * @throws IllegalArgumentException with a reason a person can act on, never a stack of protobuf's
     */
    public static DescriptorSet load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        FileDescriptorSet set;
        try {
            set = FileDescriptorSet.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("is not a FileDescriptorSet (write it with protoc --include_imports "
                    + "--descriptor_set_out=FILE)");
        }
        if (set.getFileCount() == 0) {
            throw new IllegalArgumentException("holds no .proto file (a FileDescriptorSet from protoc --include_imports "
                    + "--descriptor_set_out=FILE is expected)");
        }
        Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
        set.getFileList().forEach(f -> protos.put(f.getName(), f));
        Map<String, FileDescriptor> built = new HashMap<>();
        for (String name : protos.keySet()) {
            link(name, protos, built, new ArrayList<>());
        }
        Map<String, Descriptor> messages = new TreeMap<>();
        for (FileDescriptorProto proto : protos.values()) {
            built.get(proto.getName()).getMessageTypes().forEach(d -> index(d, messages));
        }
        return new DescriptorSet(file, Map.copyOf(messages));
    }

    private static FileDescriptor link(String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built,
                                       List<String> path) {
        FileDescriptor done = built.get(name);
        if (done != null) {
            return done;
        }
        FileDescriptorProto proto = protos.get(name);
        if (proto == null) {
            FileDescriptor wellKnown = WELL_KNOWN.get(name);
            if (wellKnown != null) {
                return wellKnown;
            }
            throw new IllegalArgumentException("lacks " + name + ", which " + path.get(path.size() - 1)
                    + " imports: write the set with protoc --include_imports");
        }
        if (path.contains(name)) {
            throw new IllegalArgumentException("has an import cycle through " + name);
        }
        path.add(name);
        FileDescriptor[] dependencies = new FileDescriptor[proto.getDependencyCount()];
        for (int i = 0; i < dependencies.length; i++) {
            dependencies[i] = link(proto.getDependency(i), protos, built, path);
        }
        path.remove(path.size() - 1);
        try {
            FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies);
            built.put(name, file);
            return file;
        } catch (DescriptorValidationException e) {
            throw new IllegalArgumentException("holds an invalid " + name + " (" + e.getDescription() + ")");
        }
    }

    private static void index(Descriptor d, Map<String, Descriptor> out) {
        out.put(d.getFullName(), d);
        d.getNestedTypes().forEach(n -> index(n, out));
    }

    private static Map<String, FileDescriptor> wellKnown() {
        Map<String, FileDescriptor> m = new HashMap<>();
        for (FileDescriptor f : List.of(com.google.protobuf.AnyProto.getDescriptor(), com.google.protobuf.ApiProto.getDescriptor(),
                com.google.protobuf.DescriptorProtos.getDescriptor(), com.google.protobuf.DurationProto.getDescriptor(),
                com.google.protobuf.EmptyProto.getDescriptor(), com.google.protobuf.FieldMaskProto.getDescriptor(),
                com.google.protobuf.SourceContextProto.getDescriptor(), com.google.protobuf.StructProto.getDescriptor(),
                com.google.protobuf.TimestampProto.getDescriptor(), com.google.protobuf.TypeProto.getDescriptor(),
                com.google.protobuf.WrappersProto.getDescriptor())) {
            m.put(f.getName(), f);
        }
        return Map.copyOf(m);
    }

    /** The message type of that full name ({@code package.Message}, {@code package.Outer.Inner}), or null. */
    public Descriptor message(String fullName) {
        return messages.get(fullName.startsWith(".") ? fullName.substring(1) : fullName);
    }

    /** Every message type's full name, sorted. */
    public List<String> messageNames() {
        return new ArrayList<>(new TreeMap<>(messages).keySet());
    }

    /** Every message of the set, for printing {@code google.protobuf.Any} fields. */
    public JsonFormat.TypeRegistry registry() {
        return registry;
    }

    public Path file() {
        return file;
    }
}
