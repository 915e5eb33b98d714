package io.ferry.core.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    private static final Source WATCH = new Source("cdf818194e3a8c32", 42, 1, false);
    private final EventCodec codec = new EventCodec();

    static Stream<Arguments> payloads() {
        byte[] big = new byte[1536 * 1024]; // etcd's default request limit: 1.5 MiB
        new Random(7).nextBytes(big);
        return Stream.of(
                Arguments.of("empty value", utf8("/v1/task/t1"), new byte[0]),
                Arguments.of("invalid UTF-8", new byte[] {'/', 'k', (byte) 0xC3, (byte) 0x28}, new byte[] {(byte) 0xFF, (byte) 0xFE, 0x00}),
                Arguments.of("NUL bytes in valid UTF-8", utf8("/v1/a\0b"), utf8("x\0y\0")),
                Arguments.of("overlong NUL is not UTF-8", utf8("/k"), new byte[] {(byte) 0xC0, (byte) 0x80}),
                Arguments.of("encoded surrogate is not UTF-8", utf8("/k"), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                Arguments.of("1.5 MiB random value", utf8("/v1/desired_lrp/run/big"), big),
                Arguments.of("JSON value", utf8("/v1/actual/pg-1/0/instance"),
                        utf8("{\"cell_id\":\"cell-7\",\"state\":\"RUNNING\",\"ports\":[8080],\"name\":\"caf\u00e9 \u2603\"}")),
                Arguments.of("emoji and escapes", utf8("/k/\uD83D\uDE80"), utf8("line\nbreak\t\"quoted\"\\")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void putRoundTripsByteExact(String name, byte[] key, byte[] value) {
        KeyValue before = new KeyValue(key, utf8("old"), 3, 5, 1, 0);
        KeyValue after = new KeyValue(key, value, 3, 42, 2, 7587862070523445002L);
        ChangeEvent event = ChangeEvent.put(after, before, WATCH, 1_700_000_000_123L);

        ChangeEvent back = codec.decodeChange(codec.encode(event));

        assertEquals(event, back);
        assertArrayEquals(value, back.after().value());
        assertArrayEquals(key, back.key());
        assertEquals(Op.UPDATE, back.op());
    }

    /** Text goes out as Jackson writes a Java string: the wire form is a contract with other readers. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void textIsWrittenAsJacksonWritesTheString(String name, byte[] key, byte[] value) throws Exception {
        String text = Bytes.strictUtf8OrNull(value);
        if (text == null) {
            return; // binary: base64, covered below
        }
        String json = new String(codec.encode(ChangeEvent.read(new KeyValue(key, value, 1, 1, 1, 0), WATCH, 0)),
                StandardCharsets.UTF_8);
        String expected = "\"value\":{\"utf8\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text) + "}";
        assertTrue(json.contains(expected), json + " does not contain " + expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void deleteAndSnapshotReadRoundTrip(String name, byte[] key, byte[] value) {
        ChangeEvent delete = ChangeEvent.delete(key, null, new Source("c1", 99, 2, false), 5);
        ChangeEvent read = ChangeEvent.read(new KeyValue(key, value, 1, 1, 1, 0), new Source("c1", 80, 2, true), 6);

        assertEquals(delete, codec.decode(codec.encode(delete)));
        assertEquals(read, codec.decode(codec.encode(read)));
        assertEquals(99, ((ChangeEvent) codec.decode(codec.encode(delete))).revision());
    }

    @Test
    void textIsTaggedUtf8AndBinaryIsTaggedBase64() {
        ChangeEvent text = ChangeEvent.read(new KeyValue(utf8("/a"), utf8("{\"x\":1}"), 1, 1, 1, 0), WATCH, 0);
        ChangeEvent binary = ChangeEvent.read(new KeyValue(utf8("/a"), new byte[] {(byte) 0xFF}, 1, 1, 1, 0), WATCH, 0);

        String textJson = new String(codec.encode(text), StandardCharsets.UTF_8);
        String binaryJson = new String(codec.encode(binary), StandardCharsets.UTF_8);

        assertTrue(textJson.contains("\"value\":{\"utf8\":\"{\\\"x\\\":1}\"}"), textJson);
        assertTrue(binaryJson.contains("\"value\":{\"base64\":\"/w==\"}"), binaryJson);
    }

    @Test
    void theRollbackPathsOwnChangesKeepTheirMarkAndOthersCarryNone() {
        KeyValue kv = new KeyValue(utf8("/a"), utf8("v"), 3, 9, 2, 0);
        ChangeEvent reverse = ChangeEvent.put(kv, null, new Source("c1", 9, 1, false, true), 5);
        ChangeEvent ordinary = ChangeEvent.put(kv, null, new Source("c1", 9, 1, false), 5);

        assertTrue(codec.decodeChange(codec.encode(reverse)).source().reverse());
        assertFalse(codec.decodeChange(codec.encode(ordinary)).source().reverse());
        assertFalse(new String(codec.encode(ordinary), StandardCharsets.UTF_8).contains("reverse"),
                "an ordinary event's format is unchanged");
    }

    @Test
    void controlRecordsRoundTrip() {
        for (ControlRecord.Kind kind : ControlRecord.Kind.values()) {
            ControlRecord c = new ControlRecord(kind, "c1", 1234, 3, 5, 99);
            Envelope back = codec.decode(codec.encode(c));
            assertEquals(c, assertInstanceOf(ControlRecord.class, back));
        }
    }

    @Test
    void unknownFieldsFromNewerWritersAreIgnored() {
        String json = "{\"op\":\"c\",\"future\":{\"a\":[1,2]},\"key\":{\"utf8\":\"/k\"},\"before\":null,"
                + "\"after\":{\"key\":{\"utf8\":\"/k\"},\"value\":{\"utf8\":\"v\"},\"create_revision\":2,"
                + "\"mod_revision\":2,\"version\":1,\"lease\":0,\"extra\":true},"
                + "\"source\":{\"cluster_id\":\"c\",\"revision\":2,\"epoch\":1,\"snapshot\":false,\"member\":1},\"ts_ms\":1}";
        ChangeEvent e = codec.decodeChange(utf8(json));
        assertEquals(Op.CREATE, e.op());
        assertArrayEquals(utf8("v"), e.after().value());
    }

    @Test
    void malformedInputGivesAnErrorThatSaysWhatIsWrong() {
        assertMessage("not valid JSON", "{\"op\":");
        assertMessage("neither 'op' nor 'control'", "{}");
        assertMessage("unknown byte encoding 'hex'",
                "{\"op\":\"d\",\"key\":{\"hex\":\"00\"},\"source\":{\"revision\":1}}");
        assertMessage("not valid base64", "{\"op\":\"d\",\"key\":{\"base64\":\"***\"},\"source\":{\"revision\":1}}");
        assertMessage("unknown op 'x'", "{\"op\":\"x\",\"key\":{\"utf8\":\"k\"},\"source\":{\"revision\":1}}");
        assertMessage("needs 'after'", "{\"op\":\"u\",\"key\":{\"utf8\":\"k\"},\"source\":{\"revision\":1}}");
        assertMessage("tombstone", null);
    }

    private void assertMessage(String expected, String json) {
        EventFormatException e = assertThrows(EventFormatException.class,
                () -> codec.decode(json == null ? null : utf8(json)));
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
