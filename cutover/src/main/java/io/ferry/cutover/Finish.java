package io.ferry.cutover;

import io.ferry.clients.JdbcConnections;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.reverse.ReverseCapture;
import io.ferry.reverse.ReverseTarget;
import io.ferry.state.CutoverPhase;
import io.ferry.state.CutoverRow;

/**
 * The end of a switched cutover's bake period: the record says finished first (the reverse writer stops on it,
 * and a rollback can no longer start), then the rollback path's replication slot goes, since an abandoned one
 * fills PostgreSQL's disk. SQL stays authoritative for good.
 */
public final class Finish {

    /**
     * A finished bake period.
     *
     * @param cutover the cutover as it was switched
     * @param finishedAt when the record said finished, in epoch milliseconds
     * @param droppedSlot the replication slot dropped, or null when there was none to drop
     */
    public record Outcome(CutoverRow cutover, long finishedAt, String droppedSlot) {
    }

    private Finish() {
    }

    /** Finishes the switched cutover of the deployment {@code c} describes; refused when there is none. */
    public static Outcome run(FerryConfig c) {
        CutoverConfig cc = CutoverConfig.of(c);
        CutoverRecord record = CutoverRecord.of(c);
        CutoverRow latest = record.latest().filter(l -> l.phase() == CutoverPhase.SWITCHED)
                .orElseThrow(() -> new FerryException("there is no switched cutover to finish: ferry status shows the phase"));
        long finishedAt = System.currentTimeMillis();
        record.finished(latest.id(), finishedAt);
        boolean dropped = JdbcConnections.sink(c).kind() != JdbcTarget.Kind.SQLITE
                && new ReverseCapture(ReverseTarget.of(c), cc.reverseSlot()).release();
        return new Outcome(latest, finishedAt, dropped ? cc.reverseSlot() : null);
    }
}
