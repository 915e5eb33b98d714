package io.ferry.values.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Writes a message in protobuf's JSON mapping, as {@link JsonFormat}'s printer does, straight into a Jackson
 * tree: printing text with JsonFormat and parsing it again cost about ten times the parse of the message
 * itself. What it writes equals JsonFormat's output with the same options (see ProtoJsonTest), and for the
 * rarely stored well-known types whose mapping is intricate (Any, Struct, Value, ListValue, FieldMask) it
 * asks JsonFormat for just that part.
 */
final class ProtoJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final long MIN_TIMESTAMP = -62_135_596_800L; // 0001-01-01T00:00:00Z
    private static final long MAX_TIMESTAMP = 253_402_300_799L; // 9999-12-31T23:59:59Z
    private static final long MAX_DURATION = 315_576_000_000L;

    private final boolean protoNames;
    private final boolean defaults;
    private final JsonFormat.Printer printer;

    /**
     * @param protoNames field names as in the .proto file, else their lowerCamelCase JSON names
     * @param defaults whether fields without presence are written at their default value
     * @param printer JsonFormat's printer with the same options, for the intricate well-known types
     */
    ProtoJson(boolean protoNames, boolean defaults, JsonFormat.Printer printer) {
        this.protoNames = protoNames;
        this.defaults = defaults;
        this.printer = printer;
    }

    /**
     * The message as JSON.
     *
     * @throws IllegalArgumentException for a Timestamp or Duration out of its range, as JsonFormat throws
     * @throws InvalidProtocolBufferException for an Any whose type the descriptor set lacks
     */
    JsonNode write(Message m) throws InvalidProtocolBufferException {
        return message(m);
    }

    private JsonNode message(Message m) throws InvalidProtocolBufferException {
        Descriptor d = m.getDescriptorForType();
        if (d.getFile().getPackage().equals("google.protobuf")) {
            JsonNode wellKnown = wellKnown(m, d);
            if (wellKnown != null) {
                return wellKnown;
            }
        }
        ObjectNode o = NODES.objectNode();
        for (FieldDescriptor f : d.getFields()) {
            String name = protoNames ? f.getName() : f.getJsonName();
            if (f.isRepeated()) {
                int n = m.getRepeatedFieldCount(f);
                if (n > 0 || defaults) {
                    o.set(name, f.isMapField() ? map(m, f, n) : list(m, f, n));
                }
            } else if (m.hasField(f) || (defaults && !f.hasPresence())) {
                o.set(name, value(f, m.getField(f)));
            }
        }
        return o;
    }

    private ArrayNode list(Message m, FieldDescriptor f, int n) throws InvalidProtocolBufferException {
        ArrayNode a = NODES.arrayNode(n);
        for (int i = 0; i < n; i++) {
            a.add(value(f, m.getRepeatedField(f, i)));
        }
        return a;
    }

    private ObjectNode map(Message m, FieldDescriptor f, int n) throws InvalidProtocolBufferException {
        FieldDescriptor key = f.getMessageType().findFieldByNumber(1);
        FieldDescriptor val = f.getMessageType().findFieldByNumber(2);
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < n; i++) {
            Message e = (Message) m.getRepeatedField(f, i);
            o.set(scalarText(key, e.getField(key)), value(val, e.getField(val)));
        }
        return o;
    }

    private JsonNode value(FieldDescriptor f, Object v) throws InvalidProtocolBufferException {
        switch (f.getType()) {
            case INT32, SINT32, SFIXED32:
                return NODES.numberNode((Integer) v);
            case UINT32, FIXED32: {
                int i = (Integer) v;
                return i >= 0 ? NODES.numberNode(i) : NODES.numberNode(Integer.toUnsignedLong(i));
            }
            case INT64, SINT64, SFIXED64, UINT64, FIXED64, STRING:
                return NODES.textNode(scalarText(f, v));
            case FLOAT:
                return floating(((Float) v).doubleValue(), true);
            case DOUBLE:
                return floating((Double) v, false);
            case BOOL:
                return NODES.booleanNode((Boolean) v);
            case BYTES:
                return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case ENUM: {
                EnumValueDescriptor e = (EnumValueDescriptor) v;
                if (e.getType().getFullName().equals("google.protobuf.NullValue")) {
                    return NODES.nullNode();
                }
                // A number the enum does not name (an open enum's unknown value) is written as the number.
                return e.getIndex() == -1 ? NODES.numberNode(e.getNumber()) : NODES.textNode(e.getName());
            }
            case MESSAGE, GROUP:
                return message((Message) v);
            default:
                throw new IllegalStateException("a protobuf field type this version does not know: " + f.getType());
        }
    }

    /** 64-bit integers and strings as JSON strings, and map keys. */
    private static String scalarText(FieldDescriptor f, Object v) {
        return switch (f.getType()) {
            case UINT64, FIXED64 -> Long.toUnsignedString((Long) v);
            case UINT32, FIXED32 -> Integer.toUnsignedString((Integer) v);
            default -> String.valueOf(v);
        };
    }

    private static JsonNode floating(double d, boolean single) {
        if (Double.isNaN(d)) {
            return NODES.textNode("NaN");
        }
        if (Double.isInfinite(d)) {
            return NODES.textNode(d > 0 ? "Infinity" : "-Infinity");
        }
        // JsonFormat prints a float with the float's shortest form (0.1f as 0.1, not 0.10000000149011612).
        return single ? NODES.numberNode(Double.parseDouble(Float.toString((float) d))) : NODES.numberNode(d);
    }

    /** Google's well-known types in their JSON forms, or null for a message of the package without one. */
    private JsonNode wellKnown(Message m, Descriptor d) throws InvalidProtocolBufferException {
        switch (d.getName()) {
            case "Timestamp":
                return NODES.textNode(timestamp(longField(m, d, "seconds"), (int) longField(m, d, "nanos")));
            case "Duration":
                return NODES.textNode(duration(longField(m, d, "seconds"), (int) longField(m, d, "nanos")));
            case "DoubleValue", "FloatValue", "Int64Value", "UInt64Value", "Int32Value", "UInt32Value", "BoolValue",
                    "StringValue", "BytesValue": {
                FieldDescriptor f = d.findFieldByName("value");
                return value(f, m.getField(f));
            }
            case "Any", "Struct", "Value", "ListValue", "FieldMask", "Empty":
                try {
                    return JsonDecoder.READER.readTree(printer.print(m));
                } catch (InvalidProtocolBufferException e) {
                    throw e;
                } catch (IOException e) {
                    throw new IllegalArgumentException("JsonFormat printed " + d.getName() + " as text Jackson cannot read", e);
                }
            default:
                return null;
        }
    }

    private static long longField(Message m, Descriptor d, String name) {
        return ((Number) m.getField(d.findFieldByName(name))).longValue();
    }

    /** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as JsonFormat writes a Timestamp. */
    static String timestamp(long seconds, int nanos) {
        if (seconds < MIN_TIMESTAMP || seconds > MAX_TIMESTAMP || nanos < 0 || nanos > 999_999_999) {
            throw new IllegalArgumentException("Timestamp is not valid: seconds " + seconds + ", nanos " + nanos);
        }
        StringBuilder sb = new StringBuilder(30).append(SECONDS.format(Instant.ofEpochSecond(seconds)));
        fraction(sb, nanos);
        return sb.append('Z').toString();
    }

    /** Seconds with 0, 3, 6 or 9 fractional digits and an {@code s}, as JsonFormat writes a Duration. */
    static String duration(long seconds, int nanos) {
        if (seconds < -MAX_DURATION || seconds > MAX_DURATION || nanos < -999_999_999 || nanos > 999_999_999
                || (seconds < 0 && nanos > 0) || (seconds > 0 && nanos < 0)) {
            throw new IllegalArgumentException("Duration is not valid: seconds " + seconds + ", nanos " + nanos);
        }
        StringBuilder sb = new StringBuilder(24);
        if (seconds < 0 || nanos < 0) {
            sb.append('-');
        }
        sb.append(Math.abs(seconds));
        fraction(sb, Math.abs(nanos));
        return sb.append('s').toString();
    }

    private static void fraction(StringBuilder sb, int nanos) {
        if (nanos == 0) {
            return;
        }
        sb.append('.');
        if (nanos % 1_000_000 == 0) {
            pad(sb, nanos / 1_000_000, 3);
        } else if (nanos % 1_000 == 0) {
            pad(sb, nanos / 1_000, 6);
        } else {
            pad(sb, nanos, 9);
        }
    }

    private static void pad(StringBuilder sb, int value, int digits) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < digits; i++) {
            sb.append('0');
        }
        sb.append(s);
    }
}
