package io.ferry.values.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ProtoJson writes what JsonFormat prints, field for field: random messages of every field type, with each
 * combination of options, compared as JSON trees.
 */
class ProtoJsonTest {

    private static final DescriptorSet SET = DescriptorSet.load(Path.of("target/test-descriptors/ferry-test.desc"));
    private static final float[] FLOATS = {0f, 0.1f, -1.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        3.4e38f, 1.0e-45f, 16_777_217f};
    private static final double[] DOUBLES = {0d, 0.1, -1.5e300, Double.NaN, Double.NEGATIVE_INFINITY, 4.9e-324, 1e21};

    @Test
    void randomMessagesPrintAsJsonFormatPrintsThem() throws Exception {
        Random random = new Random(41);
        for (String type : List.of("ferry.test.types.AllTypes", "ferry.test.legacy.Legacy", "ferry.test.diego.DesiredLRP")) {
            Descriptor d = SET.message(type);
            for (int i = 0; i < 150; i++) {
                DynamicMessage m = randomMessage(d, random, 0);
                for (boolean protoNames : new boolean[] {true, false}) {
                    for (boolean defaults : new boolean[] {true, false}) {
                        JsonFormat.Printer p = JsonFormat.printer().usingTypeRegistry(SET.registry())
                                .omittingInsignificantWhitespace();
                        p = protoNames ? p.preservingProtoFieldNames() : p;
                        p = defaults ? p.alwaysPrintFieldsWithNoPresence() : p;
                        JsonNode expected = JsonDecoder.READER.readTree(p.print(m));
                        JsonNode actual = new ProtoJson(protoNames, defaults, p).write(m);
                        assertEquals(expected, actual, () -> type + " names=" + protoNames + " defaults=" + defaults);
                    }
                }
            }
        }
    }

    @Test
    void timestampsAndDurationsOutOfRangeAreRefusedAsJsonFormatRefusesThem() {
        assertEquals("0001-01-01T00:00:00Z", ProtoJson.timestamp(-62_135_596_800L, 0));
        assertEquals("1970-01-01T00:00:00.000000001Z", ProtoJson.timestamp(0, 1));
        assertEquals("-1.500s", ProtoJson.duration(-1, -500_000_000));
        assertThrows(IllegalArgumentException.class, () -> ProtoJson.timestamp(253_402_300_800L, 0));
        assertThrows(IllegalArgumentException.class, () -> ProtoJson.timestamp(0, -1));
        assertThrows(IllegalArgumentException.class, () -> ProtoJson.duration(1, -1));
    }

    private static DynamicMessage randomMessage(Descriptor d, Random r, int depth) throws Exception {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
        for (FieldDescriptor f : d.getFields()) {
            if (f.isRequired()) {
                b.setField(f, randomValue(f, r, depth));
            } else if (r.nextInt(3) == 0 || depth > 2) {
                continue;
            } else if (f.isRepeated()) {
                for (int n = r.nextInt(4); n > 0; n--) {
                    b.addRepeatedField(f, f.isMapField() ? randomMessage(f.getMessageType(), r, depth + 1) : randomValue(f, r, depth));
                }
            } else if (f.getContainingOneof() == null || !b.hasOneof(f.getContainingOneof())) {
                b.setField(f, randomValue(f, r, depth));
            }
        }
        return b.build();
    }

    private static Object randomValue(FieldDescriptor f, Random r, int depth) throws Exception {
        switch (f.getJavaType()) {
            case INT:
                return r.nextBoolean() ? r.nextInt() : r.nextInt(3);
            case LONG:
                return r.nextBoolean() ? r.nextLong() : (long) r.nextInt(3);
            case FLOAT:
                return r.nextBoolean() ? FLOATS[r.nextInt(FLOATS.length)] : r.nextFloat() * 1000;
            case DOUBLE:
                return r.nextBoolean() ? DOUBLES[r.nextInt(DOUBLES.length)] : r.nextGaussian() * 1e6;
            case BOOLEAN:
                return r.nextBoolean();
            case STRING:
                return List.of("", "plain", "quote \" and \\ back", "ünï\u00e7ødé 🚢", "line\nbreak\u0001").get(r.nextInt(5));
            case BYTE_STRING: {
                byte[] b = new byte[r.nextInt(9)];
                r.nextBytes(b);
                return ByteString.copyFrom(b);
            }
            case ENUM: {
                EnumDescriptor e = f.getEnumType();
                return r.nextInt(5) == 0 && !e.isClosed() ? e.findValueByNumberCreatingIfUnknown(99)
                        : e.getValues().get(r.nextInt(e.getValues().size()));
            }
            default:
                return randomMessageValue(f.getMessageType(), r, depth);
        }
    }

    private static Message randomMessageValue(Descriptor t, Random r, int depth) throws Exception {
        Message generated;
        switch (t.getFullName()) {
            case "google.protobuf.Timestamp":
                generated = com.google.protobuf.Timestamp.newBuilder().setSeconds(r.nextInt(2_000_000_000))
                        .setNanos(List.of(0, 500_000_000, 123_456_000, 1).get(r.nextInt(4))).build();
                break;
            case "google.protobuf.Duration":
                long s = r.nextInt(100_000) - 50_000;
                int nanos = List.of(0, 250_000_000, 1_000, 7).get(r.nextInt(4));
                generated = com.google.protobuf.Duration.newBuilder().setSeconds(s).setNanos(s < 0 ? -nanos : nanos).build();
                break;
            case "google.protobuf.Struct":
                generated = Struct.newBuilder().putFields("a", Value.newBuilder().setNumberValue(1.5).build())
                        .putFields("b", Value.newBuilder().setListValue(ListValue.newBuilder()
                                .addValues(Value.newBuilder().setStringValue("x"))).build()).build();
                break;
            case "google.protobuf.Value":
                generated = Value.newBuilder().setBoolValue(true).build();
                break;
            case "google.protobuf.ListValue":
                generated = ListValue.newBuilder().addValues(Value.newBuilder().setNullValueValue(0)).build();
                break;
            case "google.protobuf.Any":
                generated = Any.newBuilder().setTypeUrl("type.googleapis.com/ferry.test.types.Inner")
                        .setValue(randomMessage(SET.message("ferry.test.types.Inner"), r, 3).toByteString()).build();
                break;
            case "google.protobuf.FieldMask":
                generated = com.google.protobuf.FieldMask.newBuilder().addPaths("inner.s").addPaths("by_name").build();
                break;
            default:
                return randomMessage(t, r, depth + 1);
        }
        // The field's type comes from the descriptor set, not from protobuf-java's classes: copy into it.
        return DynamicMessage.parseFrom(t, generated.toByteString());
    }
}
