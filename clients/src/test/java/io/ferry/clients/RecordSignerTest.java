package io.ferry.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.SigningConfig;
import io.ferry.core.event.RecordConventions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RecordSignerTest {

    private static final byte[] KEY = "a-signing-key-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OLD = "an-earlier-key-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] K = "/v1/actual/1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] V = "{\"op\":\"c\"}".getBytes(StandardCharsets.UTF_8);

    private static RecordSigner signer(byte[]... keys) {
        return RecordSigner.of(new SigningConfig(List.of(keys), false)).orElseThrow();
    }

    private static Headers headers() {
        RecordHeaders h = new RecordHeaders();
        h.add(RecordConventions.KIND_HEADER, RecordConventions.header("change"));
        h.add(RecordConventions.REVISION_HEADER, RecordConventions.header(42));
        h.add("trace-id", RecordConventions.header("unrelated"));
        return h;
    }

    private static Headers signed(RecordSigner s, String topic, int partition, byte[] key, byte[] value) {
        Headers h = headers();
        s.sign(topic, partition, key, value, h);
        return h;
    }

    @Test
    void aRecordAsSignedChecksOut() {
        RecordSigner s = signer(KEY);
        assertEquals(RecordSigner.Check.VALID, s.check("t", 2, K, V, signed(s, "t", 2, K, V)));
        assertEquals(RecordSigner.Check.VALID, s.check("t", 2, K, null, signed(s, "t", 2, K, null)), "tombstones too");
        assertEquals(RecordSigner.Check.UNSIGNED, s.check("t", 2, K, V, headers()));
    }

    @Test
    void anyChangeToWhatWasSignedIsCaught() {
        RecordSigner s = signer(KEY);
        Headers h = signed(s, "t", 2, K, V);
        assertEquals(RecordSigner.Check.INVALID, s.check("other", 2, K, V, h), "copied to another topic");
        assertEquals(RecordSigner.Check.INVALID, s.check("t", 1, K, V, h), "copied to another partition");
        assertEquals(RecordSigner.Check.INVALID, s.check("t", 2, "/v1/actual/2".getBytes(StandardCharsets.UTF_8), V, h));
        assertEquals(RecordSigner.Check.INVALID, s.check("t", 2, K, "{}".getBytes(StandardCharsets.UTF_8), h));
        assertEquals(RecordSigner.Check.INVALID, s.check("t", 2, K, null, h), "value dropped");

        Headers revision = signed(s, "t", 2, K, V);
        revision.remove(RecordConventions.REVISION_HEADER);
        revision.add(RecordConventions.REVISION_HEADER, RecordConventions.header(999999));
        assertEquals(RecordSigner.Check.INVALID, s.check("t", 2, K, V, revision), "a ferry header changed");

        Headers repair = signed(s, "t", 2, K, V);
        repair.add(RecordConventions.REPAIR_HEADER, RecordConventions.header("true"));
        assertEquals(RecordSigner.Check.INVALID, s.check("t", 2, K, V, repair), "a ferry header added");

        Headers foreign = signed(s, "t", 2, K, V);
        foreign.add("x-other", new byte[] {1});
        assertEquals(RecordSigner.Check.VALID, s.check("t", 2, K, V, foreign), "headers Ferry never reads are not covered");
    }

    @Test
    void fieldBoundariesCannotBeShifted() {
        RecordSigner s = signer(KEY);
        Headers h = signed(s, "t", 0, "ab".getBytes(StandardCharsets.UTF_8), "c".getBytes(StandardCharsets.UTF_8));
        assertEquals(RecordSigner.Check.INVALID, s.check("t", 0, "a".getBytes(StandardCharsets.UTF_8),
                "bc".getBytes(StandardCharsets.UTF_8), h));
    }

    @Test
    void anotherKeyIsUnknownAndAForgedSignatureWithAKnownIdIsInvalid() {
        RecordSigner mine = signer(KEY);
        RecordSigner theirs = signer("somebody-elses-key-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8));
        assertNotEquals(mine.keyId(), theirs.keyId());
        assertEquals(RecordSigner.Check.UNKNOWN_KEY, mine.check("t", 0, K, V, signed(theirs, "t", 0, K, V)));

        Headers forged = headers();
        forged.add(RecordConventions.SIGNATURE_HEADER, ("v1:" + mine.keyId() + ":" + "A".repeat(43) + "=")
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals(RecordSigner.Check.INVALID, mine.check("t", 0, K, V, forged));
        Headers garbage = headers();
        garbage.add(RecordConventions.SIGNATURE_HEADER, "v1:".getBytes(StandardCharsets.US_ASCII));
        assertEquals(RecordSigner.Check.UNKNOWN_KEY, mine.check("t", 0, K, V, garbage));
    }

    @Test
    void afterARotationRecordsSignedWithTheEarlierKeyStillCheckOut() {
        RecordSigner before = signer(OLD);
        RecordSigner after = signer(KEY, OLD);
        Headers old = signed(before, "t", 0, K, V);
        Headers fresh = signed(after, "t", 0, K, V);
        assertEquals(RecordSigner.Check.VALID, after.check("t", 0, K, V, old));
        assertEquals(RecordSigner.Check.VALID, after.check("t", 0, K, V, fresh));
        assertEquals(RecordSigner.Check.UNKNOWN_KEY, before.check("t", 0, K, V, fresh), "a sink not yet given the new key");
        assertEquals(after.keyId(), RecordSigner.keyIdOf(fresh));
    }

    @Test
    void signingTwiceLeavesOneSignature() {
        RecordSigner s = signer(KEY);
        Headers h = signed(s, "t", 0, K, V);
        s.sign("t", 0, K, V, h);
        List<Object> signatures = new ArrayList<>();
        h.headers(RecordConventions.SIGNATURE_HEADER).forEach(signatures::add);
        assertEquals(1, signatures.size());
        assertTrue(new String(h.lastHeader(RecordConventions.SIGNATURE_HEADER).value(), StandardCharsets.US_ASCII)
                .startsWith("v1:" + s.keyId() + ":"));
    }

    @Test
    void partitionsAreKafkasDefaultForKeyedRecords() {
        // org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey, for a few known keys
        for (int n : new int[] {1, 3, 6, 7}) {
            for (String key : List.of("/v1/a", "/v1/b", "\0ferry", "")) {
                byte[] b = key.getBytes(StandardCharsets.UTF_8);
                assertEquals(org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(b, n),
                        KeyPartitions.of(b, n));
            }
        }
    }
}
