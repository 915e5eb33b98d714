package io.ferry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadMixTest {

    private static final String[] PROPERTIES = {"bench.steady.delete.ratio", "bench.steady.txn.ratio",
        "bench.steady.txn.keys", "bench.steady.binary.keys", "bench.steady.in.flight"};

    @AfterEach
    void clear() {
        for (String p : PROPERTIES) {
            System.clearProperty(p);
        }
    }

    @Test
    void defaultsToSingleKeyPuts() {
        LoadMix mix = LoadMix.fromSystemProperties();
        assertEquals(LoadMix.PUTS, mix);
        assertTrue(mix.singlePuts());
        assertEquals("single-key puts", mix.describe());
    }

    @Test
    void readsTheMixAndCarriesItIntoEveryProfile() {
        Map.of("bench.steady.delete.ratio", "0.1", "bench.steady.txn.ratio", "0.05", "bench.steady.txn.keys", "8",
                "bench.steady.binary.keys", "true", "bench.steady.in.flight", "16").forEach(System::setProperty);
        LoadMix mix = LoadMix.fromSystemProperties();
        assertFalse(mix.singlePuts());
        assertEquals("10% deletes, 5% transactions of 8 puts, binary keys", mix.describe());
        assertEquals("binary keys", new LoadMix(0, 0, 1, true, 128).describe());
        LoadProfile p = mix.profile("/p/", 100, 32, 500, Duration.ofSeconds(2));
        assertEquals(0.1, p.deleteRatio());
        assertEquals(0.05, p.txnRatio());
        assertEquals(8, p.txnKeys());
        assertTrue(p.binaryKeys());
        assertEquals(16, p.inFlight());
        assertEquals(1000, p.maxOps()); // 500 operations/s for 2 s: a transaction is one operation
    }

    @Test
    void namesThePropertyOfABadValueBeforeAnythingRuns() {
        System.setProperty("bench.steady.delete.ratio", "ten percent");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, LoadMix::fromSystemProperties);
        assertTrue(e.getMessage().contains("bench.steady.delete.ratio: 'ten percent' is not a number"), e.getMessage());

        System.setProperty("bench.steady.delete.ratio", "0.1");
        System.setProperty("bench.steady.binary.keys", "yes");
        e = assertThrows(IllegalArgumentException.class, LoadMix::fromSystemProperties);
        assertTrue(e.getMessage().contains("bench.steady.binary.keys: 'yes' is neither true nor false"), e.getMessage());

        System.clearProperty("bench.steady.binary.keys");
        System.setProperty("bench.steady.txn.keys", "8.5");
        e = assertThrows(IllegalArgumentException.class, LoadMix::fromSystemProperties);
        assertTrue(e.getMessage().contains("bench.steady.txn.keys: '8.5' is not a whole number"), e.getMessage());

        System.setProperty("bench.steady.txn.keys", "500");
        e = assertThrows(IllegalArgumentException.class, LoadMix::fromSystemProperties);
        assertTrue(e.getMessage().contains("bench.steady") && e.getMessage().contains("txnKeys must be 1..128"),
                e.getMessage());
    }
}
