package io.ferry.values.impl;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admission;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apiextensions;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;
import io.kubernetes.client.proto.V1alpha1Imagepolicy;
import io.kubernetes.client.proto.V1alpha1Rbac;
import io.kubernetes.client.proto.V1alpha1Scheduling;
import io.kubernetes.client.proto.V1beta1Admission;
import io.kubernetes.client.proto.V1beta1Admissionregistration;
import io.kubernetes.client.proto.V1beta1Apiextensions;
import io.kubernetes.client.proto.V1beta1Apps;
import io.kubernetes.client.proto.V1beta1Authentication;
import io.kubernetes.client.proto.V1beta1Authorization;
import io.kubernetes.client.proto.V1beta1Batch;
import io.kubernetes.client.proto.V1beta1Certificates;
import io.kubernetes.client.proto.V1beta1Extensions;
import io.kubernetes.client.proto.V1beta1Policy;
import io.kubernetes.client.proto.V1beta1Rbac;
import io.kubernetes.client.proto.V1beta1Storage;
import io.kubernetes.client.proto.V1beta2Apps;
import io.kubernetes.client.proto.V2Autoscaling;
import io.kubernetes.client.proto.V2beta1Autoscaling;
import io.kubernetes.client.proto.V2beta2Autoscaling;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in Kubernetes kinds that client-java-proto has classes for, by API version and kind.
 *
 * <p>Each generated.proto of Kubernetes has the package {@code k8s.io.api.<group>.<version>} (or, for the
 * API extensions, {@code k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.<version>}), where
 * {@code <group>} is the first label of the API group ({@code rbac} for {@code rbac.authorization.k8s.io},
 * {@code core} for the legacy group). A kind is the message of its name in that package. Only Kubernetes' own
 * groups are looked up (the legacy names without a dot, and {@code *.k8s.io}), so an aggregated API's kind of
 * the same name is never read as a built-in one. The parsers are the generated classes' own, found on first
 * use.
 */
public final class KubernetesTypes {

    /** The outer classes of client-java-proto that hold API kinds (not IntStr, Meta, Resource, Runtime). */
    private static final List<Class<?>> FILES = List.of(V1.class, V1Admission.class, V1Admissionregistration.class,
            V1Apiextensions.class, V1Apps.class, V1Authentication.class, V1Authorization.class, V1Autoscaling.class,
            V1Batch.class, V1Certificates.class, V1Networking.class, V1Policy.class, V1Rbac.class, V1Scheduling.class,
            V1Storage.class, V1alpha1Imagepolicy.class, V1alpha1Rbac.class, V1alpha1Scheduling.class,
            V1beta1Admission.class, V1beta1Admissionregistration.class, V1beta1Apiextensions.class, V1beta1Apps.class,
            V1beta1Authentication.class, V1beta1Authorization.class, V1beta1Batch.class, V1beta1Certificates.class,
            V1beta1Extensions.class, V1beta1Policy.class, V1beta1Rbac.class, V1beta1Storage.class, V1beta2Apps.class,
            V2Autoscaling.class, V2beta1Autoscaling.class, V2beta2Autoscaling.class);

    private static final KubernetesTypes INSTANCE = new KubernetesTypes();

    /** {@code group/version/Kind} to the message and the class that holds it. */
    private final Map<String, Entry> kinds;
    private final Map<Descriptor, Parser<? extends Message>> parsers = new ConcurrentHashMap<>();

    private record Entry(Descriptor type, Class<?> outer) {
    }

    private KubernetesTypes() {
        Map<String, Entry> m = new HashMap<>();
        for (Class<?> outer : FILES) {
            FileDescriptor f = descriptor(outer);
            String[] parts = f.getPackage().split("\\.");
            String version = parts[parts.length - 1];
            String group = parts[parts.length - 2];
            for (Descriptor d : f.getMessageTypes()) {
                m.put(group + "/" + version + "/" + d.getName(), new Entry(d, outer));
            }
        }
        this.kinds = Map.copyOf(m);
    }

    public static KubernetesTypes get() {
        return INSTANCE;
    }

    /** The parser of {@code kind} in {@code apiVersion} ({@code v1}, {@code apps/v1}, ...), or null if not built in. */
    public Parser<? extends Message> parser(String apiVersion, String kind) {
        String key = key(apiVersion, kind);
        Entry e = key == null ? null : kinds.get(key);
        if (e == null) {
            return null;
        }
        return parsers.computeIfAbsent(e.type(), d -> generatedParser(e));
    }

    private static String key(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        if (slash < 0) {
            return "core/" + apiVersion + "/" + kind;
        }
        String group = apiVersion.substring(0, slash);
        int dot = group.indexOf('.');
        if (dot >= 0 && !group.endsWith(".k8s.io")) {
            return null;
        }
        String label = dot < 0 ? group : group.substring(0, dot);
        return label + "/" + apiVersion.substring(slash + 1) + "/" + kind;
    }

    private static Parser<? extends Message> generatedParser(Entry e) {
        try {
            Class<?> type = Class.forName(e.outer().getName() + "$" + e.type().getName(), true, e.outer().getClassLoader());
            Message instance = (Message) type.getMethod("getDefaultInstance").invoke(null);
            return instance.getParserForType();
        } catch (ReflectiveOperationException | ClassCastException ex) {
            // The class is not where protoc puts it: parse through the descriptor, slower but the same.
            return com.google.protobuf.DynamicMessage.getDefaultInstance(e.type()).getParserForType();
        }
    }

    private static FileDescriptor descriptor(Class<?> outer) {
        try {
            return (FileDescriptor) outer.getMethod("getDescriptor").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(outer + " is not a class protoc generated for a .proto file", e);
        }
    }
}
