package io.ferry.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.ConfigException;
import io.ferry.core.config.ConfigProblem;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decode setting, read from a whole configuration file as Ferry loads it, and every problem it can have. */
class DecodeChainParserTest {

    @TempDir
    Path dir;

    /** sink.mappings as the configuration loader hands it to the sink. */
    private static List<?> mappings(String yaml, Map<String, String> env) {
        return (List<?>) FerryConfig.fromYaml(yaml, env).sink().mappings();
    }

    private static Object decode(List<?> mappings, int i) {
        return ((Map<?, ?>) mappings.get(i)).get("decode");
    }

    @Test
    void aConfigurationWithEveryKindOfChain() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("bbs-key-2023"), "the 2023 passphrase\n");
        String yaml = """
                sink:
                  mappings:
                    - prefix: /registry/pods/
                      table: pods
                      decode: kubernetes
                    - prefix: /v1/desired_lrp/schedule/
                      table: desired_lrps
                      decode:
                        - diego:
                            keys:
                              key-2024: {env: BBS_KEY_2024}
                              key-2023: {file: %s}
                        - protobuf: {descriptors: %s, message: ferry.test.diego.DesiredLRP}
                    - prefix: /v1/actual/
                      table: actual_lrps
                    - prefix: /meta/
                      table: meta
                      decode: [{strip: {hex: "00 01"}}, base64url, cbor]
                """.formatted(keyFile, Chains.DESCRIPTORS);
        List<?> m = mappings(yaml, Map.of("BBS_KEY_2024", "the 2024 passphrase"));
        DecodeChainParser parser = new DecodeChainParser(Map.of("BBS_KEY_2024", "the 2024 passphrase"));
        List<ConfigProblem> problems = new ArrayList<>();
        List<ValueDecoder> decoders = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            decoders.add(parser.parse(decode(m, i), "sink.mappings[" + i + "].decode", problems));
        }
        assertEquals(List.of(), problems);
        assertEquals("kubernetes", decoders.get(0).describe());
        assertTrue(decoders.get(1).describe().startsWith("diego(keys: key-2023, key-2024) | protobuf("), decoders.get(1).describe());
        assertSame(ValueDecoder.json(), decoders.get(2), "a mapping without decode reads JSON, as before");
        assertEquals("strip('\\x00\\x01') | base64url | cbor", decoders.get(3).describe());

        byte[] sealed = BbsValues.encrypted(BbsValues.envelope(BbsValues.PROTO, 0, DiegoTest.lrp().toByteArray()),
                "key-2023", "the 2023 passphrase", BbsValues.nonce(1));
        assertEquals("pg-1", decoders.get(1).decode(sealed).document().at("/process_guid").asText(),
                "the key file's trailing newline is not part of the passphrase");
        // Keys are remembered as secrets, so that anything printed through Secrets.redact masks them.
        assertEquals("key **** leaked", Secrets.redact("key the 2024 passphrase leaked"));
        assertEquals("key **** leaked", Secrets.redact("key the 2023 passphrase leaked"));
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        List<ConfigProblem> problems = Chains.problems("""
                - {nonsense: 1}
                - {strip: {text: a, hex: "00"}}
                - {diego: {keys: {k1: "inline-secret"}}}
                - {diego: {keys: {k2: {env: NOT_SET}}}}
                - {decrypt: {}}
                - {protobuf: {message: a.B}}
                - {json: {pretty: true}}
                - [1, 2]
                - base64
                """, Map.of());
        List<String> keys = problems.stream().map(ConfigProblem::key).toList();
        assertEquals(List.of("decode[0]", "decode[1].strip", "decode[2].diego.keys.k1", "decode[3].diego.keys.k2.env",
                "decode[4].decrypt.keys", "decode[5].protobuf.descriptors", "decode[6].json", "decode[7]",
                "decode[8].base64"), keys, problems::toString);
        assertEquals("nonsense", problems.get(0).value());
        assertTrue(problems.get(8).reason().contains("comes after the decoder json"), problems.get(8)::toString);
        assertTrue(problems.stream().noneMatch(p -> String.valueOf(p).contains("inline-secret")), problems::toString);
    }

    @Test
    void keyRingProblems() {
        assertProblem("decode[0].diego.keys.k1", "never written in the configuration", "[{diego: {keys: {k1: \"s3cret\"}}}]");
        assertProblem("decode[0].diego.keys.k1.env", "environment variable BBS_KEY is not set",
                "[{diego: {keys: {k1: {env: BBS_KEY}}}}]");
        assertProblem("decode[0].diego.keys.k1.env", "is empty", "[{diego: {keys: {k1: {env: EMPTY}}}}]");
        assertProblem("decode[0].diego.keys.k1.file", "does not exist",
                "[{diego: {keys: {k1: {file: " + dir.resolve("nope") + "}}}}]");
        assertProblem("decode[0].diego.keys." + "x".repeat(128), "1 to 127 bytes",
                "[{diego: {keys: {" + "x".repeat(128) + ": {env: EMPTY}}}}]");
        assertProblem("decode[0].diego.keys", "must map each key label", "[{diego: {keys: [a, b]}}]");
        assertProblem("decode[0].decrypt.keys", "is required", "[{decrypt: {}}]");
    }

    @Test
    void chainsThatCouldNeverDecode() {
        assertProblem("decode[0].strip", "takes off the k8s\\0 magic that the kubernetes decoder reads itself",
                "[{strip: \"k8s\\0\"}, kubernetes]");
        assertProblem("decode[0].strip", "takes off the k8s\\0 magic", "[{strip: {hex: 6b387300}}, kubernetes]");
        assertProblem("decode[1].kubernetes", "cannot follow diego", "[diego, kubernetes]");
        assertProblem("decode[2].cbor", "cannot follow diego", "[diego, base64, cbor]");
        assertProblem("decode[1].json", "comes after the decoder cbor", "[cbor, json]");
        assertProblem("decode[0]", "is no step or decoder", "[protobufs]");
        assertProblem("decode[0].strip", "needs the prefix", "[{strip: \"\"}]");
        assertProblem("decode[0].strip.hex", "is not hex", "[{strip: {hex: xyz}}]");
        assertProblem("decode[0].strip.optional", "expected true or false", "[{strip: {text: a, optional: maybe}}]");
    }

    @Test
    void theStaticFormThrowsOneErrorListingEveryProblem() {
        ConfigException e = assertThrows(ConfigException.class, () -> DecodeChainParser.parse(
                Chains.tree("[nonsense, {strip: \"\"}]"), "sink.mappings[0].decode"));
        assertEquals(2, e.problems().size(), e::getMessage);
        assertTrue(e.getMessage().contains("sink.mappings[0].decode[0] = nonsense: is no step or decoder"), e.getMessage());
        assertNull(new DecodeChainParser(Map.of()).parse(Chains.tree("[nonsense]"), "d", new ArrayList<>()));
        assertSame(ValueDecoder.json(), DecodeChainParser.parse(null, "d"));
    }

    private void assertProblem(String key, String inReason, String yaml) {
        List<ConfigProblem> problems = Chains.problems(yaml, Map.of("EMPTY", ""));
        assertTrue(problems.stream().anyMatch(p -> p.key().equals(key) && p.reason().contains(inReason)),
                () -> "no problem at " + key + " with '" + inReason + "' in " + problems);
        assertFalse(problems.stream().anyMatch(p -> String.valueOf(p).contains("s3cret")), problems::toString);
    }
}
