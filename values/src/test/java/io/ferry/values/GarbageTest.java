package io.ferry.values;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every decoder against bytes it cannot read: random bytes, every truncation of a real value, single bit
 * flips. Nothing may throw, every failure names its category and the step that failed, and none may fall
 * through to the chain's net for unexpected exceptions.
 */
class GarbageTest {

    private static final Map<String, String> ENV = Map.of("K", "garbage test passphrase");

    private final Map<String, ValueDecoder> chains = new LinkedHashMap<>();
    private final Map<String, byte[]> samples = new LinkedHashMap<>();

    GarbageTest() throws Exception {
        chains.put("json", Chains.of("[json]"));
        chains.put("cbor", Chains.of("[cbor]"));
        chains.put("kubernetes", Chains.of("[kubernetes]"));
        chains.put("protobuf", Chains.of("[" + Chains.protobuf("") + "]"));
        chains.put("diego", Chains.of("[{diego: {keys: {k: {env: K}}}}, " + Chains.protobuf("") + "]", ENV));
        chains.put("strip-base64", Chains.of("[{strip: \"v1:\"}, base64, json]"));
        chains.put("decrypt", Chains.of("[{decrypt: {keys: {k: {env: K}}}}, cbor]", ENV));

        byte[] lrp = BbsValues.envelope(BbsValues.PROTO, 0, DiegoTest.lrp().toByteArray());
        samples.put("pod", KubernetesValues.stored("v1", "Pod", KubernetesValues.pod("ns", "p", "app")));
        samples.put("crd-cbor", KubernetesValues.customResourceCbor("ns", "c"));
        samples.put("lrp-encrypted", BbsValues.encrypted(lrp, "k", "garbage test passphrase", BbsValues.nonce(3)));
        samples.put("lrp-base64", BbsValues.base64(lrp));
        samples.put("json", "{\"a\":[1,2,{\"b\":\"c\"}],\"d\":1.5e3}".getBytes());
    }

    @Test
    void randomBytes() {
        Random random = new Random(24);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            byte[] b = new byte[random.nextInt(i % 10 == 0 ? 2000 : 40)];
            random.nextBytes(b);
            values.add(b);
        }
        // Random bytes behind each format's own magic, so that the decoders get past their first check.
        for (byte[] magic : List.of(new byte[] {'k', '8', 's', 0}, new byte[] {(byte) 0xd9, (byte) 0xd9, (byte) 0xf7},
                "02".getBytes(), "01".getBytes(), "00".getBytes(), new byte[] {2, 0}, "v1:".getBytes())) {
            for (int i = 0; i < 200; i++) {
                byte[] b = new byte[random.nextInt(60)];
                random.nextBytes(b);
                values.add(BbsValues.concat(magic, b));
            }
        }
        decodeAll(values);
    }

    @Test
    void everyTruncationAndBitFlipOfRealValues() {
        List<byte[]> values = new ArrayList<>();
        Random random = new Random(7);
        for (byte[] sample : samples.values()) {
            for (int n = 0; n < sample.length; n++) {
                values.add(Arrays.copyOf(sample, n));
            }
            for (int i = 0; i < 300; i++) {
                byte[] flipped = sample.clone();
                flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                values.add(flipped);
            }
        }
        decodeAll(values);
    }

    private void decodeAll(List<byte[]> values) {
        Map<String, Map<DecodeFailure, Integer>> seen = new LinkedHashMap<>();
        chains.forEach((name, chain) -> {
            Map<DecodeFailure, Integer> counts = new EnumMap<>(DecodeFailure.class);
            for (byte[] v : values) {
                DecodeResult r = chain.decode(v);
                assertNotNull(r);
                if (!r.ok()) {
                    counts.merge(r.failure(), 1, Integer::sum);
                    assertFalse(r.reason().isBlank(), name);
                    assertFalse(r.reason().contains("failed unexpectedly"), () -> name + ": " + r.reason());
                    String first = r.reason().split("[:( ]", 2)[0];
                    assertTrue(List.of("json", "cbor", "kubernetes", "protobuf", "diego", "strip", "base64", "decrypt")
                            .contains(first), () -> name + " names no step: " + r.reason());
                } else {
                    assertNotNull(r.document());
                }
            }
            seen.put(name, counts);
        });
        System.out.println("failures by chain over " + values.size() + " values: " + seen);
    }
}
