package io.ferry.reconciler;

import io.ferry.reconciler.sql.SqlTable;
import io.ferry.state.StateTables;
import io.ferry.state.Watermarks;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until the sink has applied everything up to R on every partition, so that a difference
 * means something was lost, not that it is still on its way.
 */
final class WatermarkGate {

    private static final Logger LOG = LoggerFactory.getLogger(WatermarkGate.class);

    private WatermarkGate() {
    }

    /** Returns the watermarks once every partition reached {@code revision}; throws after the timeout. */
    static Map<Integer, Long> await(SqlTable sql, long revision, Duration timeout) throws SQLException {
        Watermarks marks;
        try {
            marks = sql.offsets().awaitWatermark(revision, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReconcileException("interrupted while waiting for the sink's watermark", e);
        }
        if (!marks.reached(revision)) {
            throw new ReconcileException(behindMessage(marks.byPartition(), revision, timeout));
        }
        LOG.info("Sink has applied every partition through revision {} (watermarks {})", revision, marks.byPartition());
        return marks.byPartition();
    }

    static long min(Map<Integer, Long> marks) {
        return marks.values().stream().mapToLong(Long::longValue).min().orElse(-1);
    }

    private static String behindMessage(Map<Integer, Long> marks, long revision, Duration timeout) {
        if (marks.isEmpty()) {
            return "the sink has not stored any watermark yet (no rows of this topic in " + StateTables.OFFSETS
                    + "), so it cannot be compared at revision " + revision + ". Start the sink (ferry sink or ferry run) and let it catch up, or pass "
                    + "--no-wait to compare anyway.";
        }
        long min = min(marks);
        StringBuilder behind = new StringBuilder();
        new TreeMap<>(marks).forEach((p, w) -> {
            if (w < revision) {
                behind.append(behind.isEmpty() ? "" : ", ").append("partition ").append(p).append(" at ").append(w);
            }
        });
        return "the sink has not caught up with revision " + revision + " after waiting " + timeout.toSeconds()
                + " s: its lowest watermark is " + min + ", " + (revision - min) + " revisions behind (" + behind
                + "). Check that the sink is running (ferry status), then run reconcile again, or raise --wait.";
    }
}
