package io.ferry.reverse;

import io.ferry.state.CutoverPhase;
import io.ferry.state.CutoverTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The latest cutover's id and phase in the target database, read through the state module's
 * cutover record as the rollback path's user (who needs {@code SELECT} on it).
 *
 * @param id the cutover's id
 * @param phase its phase
 */
record LatestCutover(long id, CutoverPhase phase) {

    static Optional<LatestCutover> of(ReverseTarget target, String topic) throws SQLException {
        try (Connection c = target.connect()) {
            return new CutoverTable(target.jdbc().kind(), topic).current(c).map(l -> new LatestCutover(l.id(), l.phase()));
        }
    }

    /** Between a switch and its rollback or finish: the only time SQL's changes go to etcd. */
    boolean bakePeriod() {
        return phase.bakePeriod();
    }

    /** A cutover under way, before its switch: the writer looks more often, since the cutover may wait for its probe. */
    boolean underWay() {
        return phase.underWay();
    }
}
