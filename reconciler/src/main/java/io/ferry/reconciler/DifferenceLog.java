package io.ferry.reconciler;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ferry.core.FerryException;
import io.ferry.core.event.Bytes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every difference found, spilled to a file of JSON lines as it is found, so memory stays bounded
 * by the page size however many keys differ (an empty SQL database differs in every key). Counts
 * and the first {@link #SAMPLE_SIZE} differences stay in memory for summaries.
 */
public final class DifferenceLog implements AutoCloseable {

    public static final int SAMPLE_SIZE = 1000;
    private static final JsonFactory JSON = new JsonFactory();

    private final Path file;
    private final OutputStream out;
    private final Map<DifferenceKind, Long> counts = new EnumMap<>(DifferenceKind.class);
    private final Map<String, Map<DifferenceKind, Long>> mappedCounts = new java.util.TreeMap<>();
    private final List<Located> sample = new ArrayList<>();
    private long total;

    /**
     * A difference and where it was found.
     *
     * @param difference the difference
     * @param position how many etcd keys had been compared when it was found, for the chart over the key space; -1
     *     for a mapped table's row, which is off that chart
     */
    public record Located(Difference difference, long position) {
    }

    public DifferenceLog() {
        try {
            file = Files.createTempFile("ferry-differences", ".jsonl");
            file.toFile().deleteOnExit();
            out = new BufferedOutputStream(Files.newOutputStream(file));
        } catch (IOException e) {
            throw new FerryException("cannot create a temporary file for the differences: " + e.getMessage()
                    + ". Check that java.io.tmpdir is writable.", e);
        }
        for (DifferenceKind k : DifferenceKind.values()) {
            counts.put(k, 0L);
        }
    }

    public synchronized void add(Difference d, long position) {
        if (d.table() == null) {
            counts.merge(d.kind(), 1L, Long::sum);
        } else {
            mappedCounts.computeIfAbsent(d.table(), t -> new EnumMap<>(DifferenceKind.class)).merge(d.kind(), 1L, Long::sum);
        }
        total++;
        if (sample.size() < SAMPLE_SIZE) {
            sample.add(new Located(d, position));
        }
        try (JsonGenerator g = JSON.createGenerator(new NonClosing(out), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("kind", d.kind().jsonName());
            if (d.table() != null) {
                g.writeStringField("table", d.table());
            }
            writeKey(g, d.key());
            g.writeNumberField("etcd_revision", d.etcdRevision());
            g.writeNumberField("sql_revision", d.sqlRevision());
            g.writeNumberField("position", position);
            if (d.etcdDigest() != null) {
                g.writeStringField("etcd_value_sha256", d.etcdDigest());
                g.writeStringField("sql_value_sha256", d.sqlDigest());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new FerryException("cannot write the differences file " + file + ": " + e.getMessage(), e);
        }
        try {
            out.write('\n');
        } catch (IOException e) {
            throw new FerryException("cannot write the differences file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a key as {@code "key": {"utf8"|"base64": ...}}, the envelope's byte encoding. */
    static void writeKey(JsonGenerator g, byte[] key) throws IOException {
        g.writeObjectFieldStart("key");
        String text = Bytes.strictUtf8OrNull(key);
        if (text != null) {
            g.writeStringField("utf8", text);
        } else {
            g.writeStringField("base64", Base64.getEncoder().encodeToString(key));
        }
        g.writeEndObject();
    }

    public synchronized long total() {
        return total;
    }

    /** The generic table's differences by kind (every kind present, 0 where none). */
    public synchronized Map<DifferenceKind, Long> counts() {
        return Collections.unmodifiableMap(new EnumMap<>(counts));
    }

    /** The mapped tables' differences, by table (in name order) and kind; only tables and kinds that have some. */
    public synchronized Map<String, Map<DifferenceKind, Long>> mappedCounts() {
        Map<String, Map<DifferenceKind, Long>> copy = new java.util.TreeMap<>();
        mappedCounts.forEach((t, byKind) -> copy.put(t, Collections.unmodifiableMap(new EnumMap<>(byKind))));
        return Collections.unmodifiableMap(copy);
    }

    public synchronized List<Located> sample() {
        return List.copyOf(sample);
    }

    /** Streams every difference back, in the order found. */
    public synchronized void forEach(Consumer<Located> consumer) {
        try {
            out.flush();
            try (JsonParser p = JSON.createParser(file.toFile())) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    consumer.accept(readOne(p));
                }
            }
        } catch (IOException e) {
            throw new FerryException("cannot read back the differences file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Located readOne(JsonParser p) throws IOException {
        DifferenceKind kind = null;
        byte[] key = null;
        long etcd = 0;
        long sql = 0;
        long position = 0;
        String etcdDigest = null;
        String sqlDigest = null;
        String table = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "kind" -> kind = DifferenceKind.valueOf(p.getText().toUpperCase(java.util.Locale.ROOT));
                case "key" -> {
                    p.nextToken();
                    String enc = p.currentName();
                    p.nextToken();
                    key = "utf8".equals(enc) ? p.getText().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                            : Base64.getDecoder().decode(p.getText());
                    p.nextToken();
                }
                case "etcd_revision" -> etcd = p.getLongValue();
                case "sql_revision" -> sql = p.getLongValue();
                case "position" -> position = p.getLongValue();
                case "etcd_value_sha256" -> etcdDigest = p.getText();
                case "sql_value_sha256" -> sqlDigest = p.getText();
                case "table" -> table = p.getText();
                default -> p.skipChildren();
            }
        }
        return new Located(new Difference(kind, key, etcd, sql, etcdDigest, sqlDigest, table), position);
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temp file left behind is harmless and will go on exit
        }
    }

    /** Lets a generator write into the shared stream without closing it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
