package io.ferry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LagRecorderTest {

    @Test
    void aWriteBecomesVisibleAtTheFirstSampleWhoseWatermarkReachesIt() {
        LagRecorder r = new LagRecorder();
        r.acked(10, 1_000_000);    // revision 10 acknowledged at 1 ms
        r.acked(12, 2_000_000);    // revision 12 at 2 ms
        r.acked(20, 3_000_000);    // revision 20 at 3 ms: never reaches SQL in this test
        r.sample(1_500_000, 9);
        r.sample(6_000_000, 11);   // 10 visible at 6 ms
        r.sample(9_000_000, 15);   // 12 visible at 9 ms
        LagRecorder.Lags lags = r.lags();
        assertEquals(5.0, lags.quantileMs(0.0, 0, Long.MAX_VALUE), 1e-9);
        assertEquals(7.0, lags.quantileMs(1.0, 0, Long.MAX_VALUE), 1e-9);
        assertEquals(1, lags.unseen());
    }

    @Test
    void quantilesOnlyCountWritesAcknowledgedInTheWindow() {
        LagRecorder r = new LagRecorder();
        r.acked(1, 0);
        r.acked(2, 2_000_000_000L);
        r.sample(100_000_000L, 1);
        r.sample(2_300_000_000L, 2);
        LagRecorder.Lags lags = r.lags();
        assertEquals(100.0, lags.quantileMs(0.99, 0, 1_000_000_000L), 1e-9);
        assertEquals(300.0, lags.quantileMs(0.99, 1_000_000_000L, 3_000_000_000L), 1e-9);
    }
}
