package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.FerryConfig;
import io.ferry.values.BbsValues;
import io.ferry.values.DecodeChainParser;
import io.ferry.values.KubernetesValues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mappings with a decode chain, and the timestamp, json and lease columns. */
class DecodedMappingTest {

    @TempDir
    Path dir;

    private static List<TableMapping> parse(Map<String, Object> mapping) {
        return MappingParser.parse(List.of(mapping), new DecodeChainParser(Map.of("BBS_KEY", "secret-passphrase")));
    }

    private static Object column(MappedRow row, String name) {
        for (int i = 0; i < row.mapping().columns().size(); i++) {
            if (row.mapping().columns().get(i).name().equals(name)) {
                return row.values()[i];
            }
        }
        throw new AssertionError(name);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void timestampsAreRfc3339OrEpochSecondsAndJsonColumnsKeepSubDocuments() throws Exception {
        ValueMapper mapper = new ValueMapper(parse(Map.of("prefix", "/t/", "table", "t", "columns", Map.of(
                "created", Map.of("from", "/created", "type", "timestamp"),
                "micro", Map.of("from", "/micro", "type", "timestamp"),
                "offset", Map.of("from", "/offset", "type", "timestamp"),
                "epoch", Map.of("from", "/epoch", "type", "timestamp"),
                "epoch_text", Map.of("from", "/epoch_text", "type", "timestamp"),
                "key_time", Map.of("from", "key:2", "type", "timestamp"),
                "labels", Map.of("from", "/labels", "type", "jsonb"),
                "name_json", Map.of("from", "key:3", "type", "json")))));
        MappedRow row = mapper.map(utf8("/t/1714557600/web"), utf8("{\"created\":\"2024-05-01T10:00:00Z\","
                + "\"micro\":\"2024-05-01T10:00:00.123456Z\",\"offset\":\"2024-05-01t12:00:00.5+02:00\",\"epoch\":1714557600.25,"
                + "\"epoch_text\":\"1714557600\",\"labels\":{\"app\":\"web\",\"tier\":\"1\"}}"), 0);
        Instant created = Instant.parse("2024-05-01T10:00:00Z");
        assertEquals(created, column(row, "created"));
        assertEquals(Instant.parse("2024-05-01T10:00:00.123456Z"), column(row, "micro"));
        assertEquals(Instant.parse("2024-05-01T10:00:00.5Z"), column(row, "offset"));
        assertEquals(Instant.parse("2024-05-01T10:00:00.25Z"), column(row, "epoch"));
        assertEquals(created, column(row, "epoch_text"));
        assertEquals(created, column(row, "key_time"));
        assertEquals("{\"app\":\"web\",\"tier\":\"1\"}", column(row, "labels"));
        assertEquals("\"web\"", column(row, "name_json"));
        assertEquals("2024-05-01 10:00:00.123456", ColumnValues.sqlTimestamp((Instant) column(row, "micro")));

        var notATime = assertThrows(BadRecordException.class, () -> mapper.map(utf8("/t/1/x"), utf8("{\"created\":\"May 1\"}"), 0));
        assertTrue(notATime.getMessage().contains("column created (timestamp) from /created found 'May 1'"), notATime.getMessage());
        var outOfRange = assertThrows(BadRecordException.class, () -> mapper.map(utf8("/t/1/x"), utf8("{\"epoch\":1e15}"), 0));
        assertTrue(outOfRange.getMessage().contains("outside the years 1 to 9999"), outOfRange.getMessage());
    }

    @Test
    void theLeaseIsItsIdOrNullAndItsExpiryIsRefusedAsTheRecordsDoNotCarryIt() throws Exception {
        ValueMapper mapper = new ValueMapper(parse(Map.of("prefix", "/l/", "table", "l", "columns",
                Map.of("lease_id", Map.of("from", "lease")))));
        assertEquals(7587862070523445002L, column(mapper.map(utf8("/l/a"), utf8("x"), 7587862070523445002L), "lease_id"));
        assertNull(column(mapper.map(utf8("/l/a"), utf8("x"), 0), "lease_id"), "a key without a lease has NULL");

        SinkException e = assertThrows(SinkException.class, () -> parse(Map.of("prefix", "/l/", "table", "l", "columns",
                Map.of("expires", Map.of("from", "lease", "type", "timestamp")))));
        assertTrue(e.getMessage().contains("sink.mappings[0].columns.expires.type: timestamp does not fit from: lease"),
                e.getMessage());
    }

    @Test
    void aDiegoChainDecryptsAndAValueItCannotReadIsAFailureWithTheDecodersReasonOnly() throws Exception {
        Path key = Files.writeString(dir.resolve("bbs-key"), "file-passphrase\n");
        ValueMapper mapper = new ValueMapper(parse(Map.of("prefix", "/v1/actual/", "table", "actual_lrps", "json", true,
                "decode", List.of(Map.of("diego", Map.of("keys", Map.of("k1", Map.of("file", key.toString()))))),
                "columns", Map.of("state", Map.of("from", "/state"), "since", Map.of("from", "/since", "type", "bigint")))));
        byte[] model = BbsValues.envelope(BbsValues.JSON, 0, utf8("{\"state\":\"RUNNING\",\"since\":\"secret-field\"}"));
        byte[] sealed = BbsValues.encrypted(model, "k1", "file-passphrase", BbsValues.nonce(1));
        var mismatch = assertThrows(BadRecordException.class, () -> mapper.map(utf8("/v1/actual/g/0"), sealed, 0));
        assertTrue(mismatch.getMessage().contains("column since (bigint) from /since found a value that does not convert "
                + "(not shown: it was decrypted)"), mismatch.getMessage());
        assertFalse(mismatch.getMessage().contains("secret-field"), mismatch.getMessage());

        byte[] good = BbsValues.encrypted(BbsValues.envelope(BbsValues.JSON, 0, utf8("{\"state\":\"RUNNING\",\"since\":5}")),
                "k1", "file-passphrase", BbsValues.nonce(2));
        MappedRow row = mapper.map(utf8("/v1/actual/g/0"), good, 0);
        assertEquals("RUNNING", column(row, "state"));
        assertEquals(5L, column(row, "since"));
        assertEquals("{\"state\":\"RUNNING\",\"since\":5}", row.doc());

        byte[] otherKey = BbsValues.encrypted(model, "k9", "other", BbsValues.nonce(3));
        // Not bad input: the raw bytes go to the generic table, the failure to ferry_decode_failures.
        MappedRow noKey = mapper.map(utf8("/v1/actual/g/0"), otherKey, 0);
        assertFalse(noKey.decoded());
        assertEquals("encrypted_no_key", noKey.failureTag());
        assertTrue(noKey.failureReason().startsWith("diego: "), noKey.failureReason());
        assertFalse(noKey.failureReason().contains("secret-field") || noKey.failureReason().contains("passphrase"),
                noKey.failureReason());
    }

    @Test
    void aKubernetesPodIsReadFromItsStorageFormat() throws Exception {
        ValueMapper mapper = new ValueMapper(parse(Map.of("prefix", "/registry/pods/", "table", "pods", "decode", "kubernetes",
                "columns", Map.of("namespace", Map.of("from", "/metadata/namespace"),
                        "app", Map.of("from", "/metadata/labels/app"),
                        "created", Map.of("from", "/metadata/creationTimestamp", "type", "timestamp"),
                        "containers", Map.of("from", "/spec/containers", "type", "json")))));
        byte[] pod = KubernetesValues.stored("v1", "Pod", KubernetesValues.pod("shop", "web-1", "web"));
        MappedRow row = mapper.map(utf8("/registry/pods/shop/web-1"), pod, 0);
        assertEquals("shop", column(row, "namespace"));
        assertEquals("web", column(row, "app"));
        assertEquals(Instant.ofEpochSecond(KubernetesValues.CREATED), column(row, "created"));
        assertTrue(((String) column(row, "containers")).startsWith("[{\"name\":\"web\""), (String) column(row, "containers"));
    }

    @Test
    void aMappingWrittenInYamlAsTheDocsShowIt() throws Exception {
        String yaml = """
                kafka: {bootstrap: localhost:9092, topic: etcd}
                sink:
                  jdbc: jdbc:sqlite:/tmp/ferry.db
                  mappings:
                    - prefix: /registry/pods/
                      table: pods
                      decode: kubernetes
                      columns:
                        namespace: {from: /metadata/namespace}
                        name:      {from: /metadata/name}
                        app:       {from: /metadata/labels/app}
                        created:   {from: /metadata/creationTimestamp, type: timestamp}
                    - prefix: /v1/actual/
                      table: actual_lrps
                      decode: [{strip: "ferry:"}, base64]
                      columns:
                        lease_id: {from: lease}
                        ports:    {from: /ports, type: jsonb}
                """;
        List<TableMapping> mappings = MappingParser.parse(FerryConfig.fromYaml(yaml, Map.of()).sink().mappings());
        assertEquals("kubernetes", mappings.get(0).decoder().describe());
        MappedRow pod = new ValueMapper(mappings).map(utf8("/registry/pods/shop/web-1"),
                KubernetesValues.stored("v1", "Pod", KubernetesValues.pod("shop", "web-1", "web")), 0);
        assertEquals(List.of("shop", "web-1", "web", Instant.ofEpochSecond(KubernetesValues.CREATED)), List.of(pod.values()));
        MappedRow actual = new ValueMapper(mappings).map(utf8("/v1/actual/g/0"),
                utf8("ferry:" + java.util.Base64.getEncoder().encodeToString(utf8("{\"ports\":[8080]}"))), 42);
        assertEquals(List.of(42L, "[8080]"), List.of(actual.values()));
    }

    @Test
    void decodeProblemsAreReportedWithTheirPathAndUnknownSettingsAreRefused() {
        SinkException e = assertThrows(SinkException.class, () -> MappingParser.parse(List.of(
                Map.of("prefix", "/a/", "table", "a", "decoder", "json"),
                Map.of("prefix", "/b/", "table", "b", "decode", List.of(Map.of("diego",
                        Map.of("keys", Map.of("k1", Map.of("env", "FERRY_TEST_NO_SUCH_VARIABLE"))))))),
                new DecodeChainParser(Map.of())));
        assertTrue(e.getMessage().contains("sink.mappings[0] has unknown settings [decoder]"), e.getMessage());
        assertTrue(e.getMessage().contains("sink.mappings[1].decode[0].diego.keys.k1.env = FERRY_TEST_NO_SUCH_VARIABLE: "
                + "environment variable FERRY_TEST_NO_SUCH_VARIABLE is not set"), e.getMessage());
    }
}
