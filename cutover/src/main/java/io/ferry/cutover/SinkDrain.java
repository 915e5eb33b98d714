package io.ferry.cutover;

import io.ferry.core.FerryException;
import io.ferry.reconciler.sql.SqlTable;
import io.ferry.state.Watermarks;
import java.time.Duration;

/** The wait for the sink that the cutover (to F) and the rollback (to RB) share. */
final class SinkDrain {

    private SinkDrain() {
    }

    /**
     * Waits until every partition's watermark has reached {@code revision}, called {@code name} in the failure,
     * which ends with {@code hint}; returns "" as a step that has nothing to add.
     */
    static String await(SqlTable sql, String name, long revision, Duration timeout, String hint) throws Exception {
        Watermarks marks = sql.offsets().awaitWatermark(revision, timeout);
        if (!marks.reached(revision)) {
            throw new FerryException("the sink did not reach " + name + "=" + revision + " within " + timeout.toSeconds()
                    + " s (lowest watermark " + marks.min() + ")" + hint);
        }
        return "";
    }
}
