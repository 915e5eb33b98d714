package io.ferry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadProfileTest {

    @Test
    void refusesTransactionsLargerThanEtcdAllows() {
        LoadProfile ok = LoadProfile.steady("/p/", 10, 8, 100, 4, Duration.ofSeconds(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ok.withMix(0, 0.5, 129));
        assertTrue(e.getMessage().contains("txnKeys must be 1..128"), e.getMessage());
    }

    @Test
    void transactionsPutDifferentKeys() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int round = 0; round < 1000; round++) {
            int[] picked = LoadGenerator.distinct(random, 8, 10);
            assertEquals(8, java.util.Arrays.stream(picked).distinct().count(), java.util.Arrays.toString(picked));
            assertTrue(java.util.Arrays.stream(picked).allMatch(i -> i >= 0 && i < 10));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadProfile.steady("/p/", 4, 8, 100, 4, Duration.ofSeconds(1)).withMix(0, 0.5, 8));
        assertTrue(e.getMessage().contains("txnKeys must be at most keyCount (4)"), e.getMessage());
    }

    @Test
    void listsEveryProblemAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LoadProfile("/p/", 0, -1, -5,
                0.8, 0.5, 1, false, false, 0, 0, Duration.ZERO, 1));
        for (String part : new String[] {"keyCount", "valueBytes", "ratePerSecond", "deleteRatio", "inFlight", "bounded"}) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    @Test
    void bulkLoadCoversEveryKeyInFullTransactions() {
        LoadProfile bulk = LoadProfile.bulk("/p/", 1000, 256, false);
        assertEquals(8, bulk.maxOps()); // 1000 keys / 128 per transaction, rounded up
        assertEquals(LoadProfile.ETCD_MAX_TXN_OPS, bulk.txnKeys());
    }

    @Test
    void steadyLoadIsBoundedByRateTimesDuration() {
        assertEquals(500, LoadProfile.steady("/p/", 10, 8, 100, 4, Duration.ofSeconds(5)).maxOps());
    }

    @Test
    void binaryKeysAreNotUtf8AndKeepTheirOrder() {
        KeySpace keys = new KeySpace("/b/", true, 16);
        assertThrows(CharacterCodingException.class,
                () -> StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(keys.key(1))));
        assertTrue(io.ferry.core.KeyRanges.compare(keys.key(255), keys.key(256)) < 0);
        assertEquals(16, keys.value(3).length);
    }
}
