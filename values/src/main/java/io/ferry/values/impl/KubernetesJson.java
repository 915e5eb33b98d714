package io.ferry.values.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a Kubernetes object decoded from protobuf as the API server writes it in JSON, not in protobuf's
 * generic JSON mapping: field names as in the Go structs' JSON tags (Kubernetes' .proto fields carry those
 * names), 64-bit integers as numbers, {@code Time} as RFC 3339 in seconds ({@code 2024-05-01T10:00:00Z}),
 * {@code MicroTime} with microseconds, {@code Duration} as Go prints it, {@code Quantity} as its string
 * ({@code 100m}), {@code IntOrString} as a number or a string, raw JSON fields ({@code RawExtension},
 * {@code FieldsV1}, the API extensions' {@code JSON}) as the JSON they hold, and bytes in base64.
 *
 * <p>Where the Go JSON differs from the .proto field names, the Go JSON wins (checked against the types.go
 * files of kubernetes/api and apiextensions-apiserver): structs that Go embeds inline ({@code Probe}'s
 * handler, {@code Volume}'s volume source, the {@code LocalObjectReference} of selectors and projections,
 * {@code IngressRule}'s value, admission rules, ...) are merged into their parent; the few fields whose
 * protobuf name was mangled from a Go name ({@code uID}, {@code aPIGroup}, {@code Expression}, {@code Name})
 * take their JSON names; a CRD schema's {@code $ref}, {@code $schema} and {@code x-kubernetes-*} fields keep
 * their JSON spelling, and its either-or types ({@code JSONSchemaPropsOrArray}, {@code OrBool},
 * {@code OrStringArray}) are written as the one they hold.
 *
 * <p>Kubernetes' .proto files are proto2, so a field is written when it is set; fields that Go writes even at
 * their zero value may be absent here.
 */
final class KubernetesJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final String EXTENSIONS = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.";

    /** Go structs embedded without a JSON name, as (field name, type name): their fields belong to the parent. */
    private static final Set<String> INLINE = Set.of("volumeSource VolumeSource",
            "persistentVolumeSource PersistentVolumeSource", "handler ProbeHandler", "handler Handler",
            "ephemeralContainerCommon EphemeralContainerCommon", "localObjectReference LocalObjectReference",
            "ruleWithOperations RuleWithOperations", "rule Rule", "ingressRuleValue IngressRuleValue",
            "deviceConfiguration DeviceConfiguration");

    /** Each field's JSON name, or {@link #INLINED} for a struct Go embeds: worked out once per field. */
    private static final Map<FieldDescriptor, String> NAMES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final String INLINED = "";

    /** Protobuf names that go-to-protobuf derived from a Go field name, to the field's JSON name. */
    private static final Map<String, String> RENAMED = Map.of("uID", "uid", "aPIGroup", "apiGroup",
            "Expression", "expression", "Name", "name");

    private KubernetesJson() {
    }

    /** The fields of {@code message}, appended to {@code out}. */
    static ObjectNode fields(Message message, ObjectNode out) {
        for (FieldDescriptor f : message.getDescriptorForType().getFields()) {
            if (f.isRepeated()) {
                int n = message.getRepeatedFieldCount(f);
                if (n > 0) {
                    out.set(name(f), f.isMapField() ? map(message, f, n) : list(message, f, n));
                }
            } else if (message.hasField(f)) {
                String name = name(f);
                if (name.isEmpty()) {
                    fields((Message) message.getField(f), out);
                } else {
                    out.set(name, value(f, message.getField(f)));
                }
            }
        }
        return out;
    }

    private static String name(FieldDescriptor f) {
        String name = NAMES.get(f);
        if (name == null) {
            name = jsonName(f);
            NAMES.put(f, name);
        }
        return name;
    }

    private static String jsonName(FieldDescriptor f) {
        Descriptor type = f.getContainingType();
        String name = f.getName();
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated() && type.getFullName().startsWith("k8s.io.api.")
                && INLINE.contains(name + " " + f.getMessageType().getName())) {
            return INLINED;
        }
        if (type.getFullName().startsWith(EXTENSIONS) && type.getName().equals("JSONSchemaProps")) {
            if (name.equals("ref") || name.equals("schema")) {
                return "$" + name;
            }
            if (name.startsWith("xKubernetes")) {
                return "x" + name.substring(1).replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            }
        }
        return RENAMED.getOrDefault(name, name);
    }

    private static ArrayNode list(Message message, FieldDescriptor f, int n) {
        ArrayNode a = NODES.arrayNode(n);
        for (int i = 0; i < n; i++) {
            a.add(value(f, message.getRepeatedField(f, i)));
        }
        return a;
    }

    private static ObjectNode map(Message message, FieldDescriptor f, int n) {
        Descriptor entry = f.getMessageType();
        FieldDescriptor key = entry.findFieldByNumber(1);
        FieldDescriptor val = entry.findFieldByNumber(2);
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < n; i++) {
            Message e = (Message) message.getRepeatedField(f, i);
            o.set(String.valueOf(e.getField(key)), value(val, e.getField(val)));
        }
        return o;
    }

    private static JsonNode value(FieldDescriptor f, Object v) {
        switch (f.getJavaType()) {
            case INT:
                return f.getType() == FieldDescriptor.Type.UINT32 || f.getType() == FieldDescriptor.Type.FIXED32
                        ? NODES.numberNode(Integer.toUnsignedLong((Integer) v)) : NODES.numberNode((Integer) v);
            case LONG:
                long l = (Long) v;
                return l < 0 && (f.getType() == FieldDescriptor.Type.UINT64 || f.getType() == FieldDescriptor.Type.FIXED64)
                        ? NODES.numberNode(new BigInteger(Long.toUnsignedString(l))) : NODES.numberNode(l);
            case FLOAT:
                return number(((Float) v).doubleValue());
            case DOUBLE:
                return number((Double) v);
            case BOOLEAN:
                return NODES.booleanNode((Boolean) v);
            case STRING:
                return NODES.textNode((String) v);
            case BYTE_STRING:
                return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case ENUM:
                return NODES.textNode(((EnumValueDescriptor) v).getName());
            case MESSAGE:
                return message((Message) v);
            default:
                return NODES.textNode(String.valueOf(v));
        }
    }

    private static JsonNode message(Message m) {
        Descriptor d = m.getDescriptorForType();
        switch (d.getFullName()) {
            case META + "Time":
                return NODES.textNode(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(longField(m, "seconds"))));
            case META + "MicroTime":
                return NODES.textNode(MICRO_TIME.format(Instant.ofEpochSecond(longField(m, "seconds"),
                        (longField(m, "nanos") / 1000) * 1000)));
            case META + "Duration":
                return NODES.textNode(GoDuration.format(longField(m, "duration")));
            case "k8s.io.apimachinery.pkg.api.resource.Quantity":
                return NODES.textNode(String.valueOf(m.getField(d.findFieldByName("string"))));
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
                return longField(m, "type") == 1 ? NODES.textNode(String.valueOf(m.getField(d.findFieldByName("strVal"))))
                        : NODES.numberNode((int) longField(m, "intVal"));
            case "k8s.io.apimachinery.pkg.runtime.RawExtension":
            case META + "FieldsV1":
            case EXTENSIONS + "v1.JSON":
            case EXTENSIONS + "v1beta1.JSON":
                return rawJson(m);
            case EXTENSIONS + "v1.JSONSchemaPropsOrArray":
            case EXTENSIONS + "v1beta1.JSONSchemaPropsOrArray":
                return either(m, "schema", "jSONSchemas");
            case EXTENSIONS + "v1.JSONSchemaPropsOrBool":
            case EXTENSIONS + "v1beta1.JSONSchemaPropsOrBool":
                return either(m, "schema", "allows");
            case EXTENSIONS + "v1.JSONSchemaPropsOrStringArray":
            case EXTENSIONS + "v1beta1.JSONSchemaPropsOrStringArray":
                return either(m, "schema", "property");
            default:
                return fields(m, NODES.objectNode());
        }
    }

    /** A CRD schema's either-or type: the schema when it is set, else the other field's value. */
    private static JsonNode either(Message m, String schema, String other) {
        Descriptor d = m.getDescriptorForType();
        FieldDescriptor s = d.findFieldByName(schema);
        if (s != null && m.hasField(s)) {
            return message((Message) m.getField(s));
        }
        FieldDescriptor o = d.findFieldByName(other);
        if (o == null) {
            return NODES.nullNode();
        }
        return o.isRepeated() ? list(m, o, m.getRepeatedFieldCount(o)) : value(o, m.getField(o));
    }

    private static long longField(Message m, String name) {
        FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
        return f == null ? 0 : ((Number) m.getField(f)).longValue();
    }

    /** The JSON that a message's one bytes field holds; base64 text when it is not JSON. */
    private static JsonNode rawJson(Message m) {
        FieldDescriptor f = m.getDescriptorForType().getFields().stream()
                .filter(x -> x.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING).findFirst().orElse(null);
        if (f == null || !m.hasField(f)) {
            return NODES.nullNode();
        }
        byte[] raw = ((ByteString) m.getField(f)).toByteArray();
        try {
            JsonNode n = JsonDecoder.READER.readTree(raw);
            return n == null || n.isMissingNode() ? NODES.nullNode() : n;
        } catch (IOException e) {
            return NODES.textNode(Base64.getEncoder().encodeToString(raw));
        }
    }

    private static JsonNode number(double d) {
        if (Double.isNaN(d)) {
            return NODES.textNode("NaN");
        }
        return Double.isInfinite(d) ? NODES.textNode(d > 0 ? "Infinity" : "-Infinity") : NODES.numberNode(d);
    }
}
