package io.ferry.reverse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogOrderTest {

    @Test
    void postgresOrdersByCommitThenByTheChangesOwnLsn() {
        assertArrayEquals(new long[] {24023928, 24023976}, LogOrder.postgres("[\"24023928\",\"24023976\"]"));
        assertArrayEquals(new long[] {0, 5}, LogOrder.postgres("[null,\"5\"]"));
        // A later transaction's change can have a lower LSN than an earlier one's (they interleave in the WAL);
        // it still comes after, because its transaction committed later.
        assertTrue(LogOrder.compare(new long[] {200, 150}, new long[] {100, 180}) > 0);
    }

    @Test
    void binlogOrdersByFileThenPositionThenRow() {
        assertEquals(3, LogOrder.fileNumber("mysql-bin.000003"));
        assertTrue(LogOrder.compare(new long[] {3, 4, 0}, new long[] {2, 900, 7}) > 0);
        assertTrue(LogOrder.compare(new long[] {3, 4, 1}, new long[] {3, 4, 0}) > 0);
    }

    @Test
    void aRepeatedChangeIsSkippedButAChangeWithoutCommitOrderNeverIs() {
        assertTrue(LogOrder.alreadyApplied(new long[] {3, 4, 0}, new long[] {3, 4, 0}), "the same change again");
        assertTrue(LogOrder.alreadyApplied(new long[] {3, 3, 9}, new long[] {3, 4, 0}), "an earlier one");
        assertFalse(LogOrder.alreadyApplied(new long[] {3, 4, 1}, new long[] {3, 4, 0}));
        assertFalse(LogOrder.alreadyApplied(new long[] {3, 4, 1}, null), "nothing applied yet");
        assertFalse(LogOrder.alreadyApplied(new long[] {0, 10}, new long[] {0, 50}), "no commit LSN: cannot tell, so apply");
    }
}
