package io.ferry.state;

import java.util.List;
import java.util.stream.Stream;

/**
 * The phases a cutover row goes through: VERIFYING, FROZEN, then SWITCHED (or ABORTED, etcd still
 * authoritative). After the switch, the bake period: ROLLING_BACK while {@code ferry rollback}
 * runs (SQL writers must stop), then ROLLED_BACK (etcd authoritative again) or back to SWITCHED if
 * the rollback failed; or FINISHED when {@code ferry finish} ended the bake period. Stored in
 * {@code ferry_cutover.phase} by its name.
 */
public enum CutoverPhase {
    VERIFYING, FROZEN, SWITCHED, ABORTED, ROLLING_BACK, ROLLED_BACK, FINISHED;

    /** The phases in which SQL is authoritative, in the order of this enum. */
    public static final List<CutoverPhase> SQL_AUTHORITATIVE = Stream.of(values())
            .filter(CutoverPhase::sqlAuthoritative).toList();

    /** Whether SQL is authoritative in this phase: the sink records etcd's changes after F instead of applying them. */
    public boolean sqlAuthoritative() {
        return this == SWITCHED || this == ROLLING_BACK || this == FINISHED;
    }

    /** Between a switch and its rollback or finish: the only time SQL's changes go to etcd. */
    public boolean bakePeriod() {
        return this == SWITCHED || this == ROLLING_BACK;
    }

    /** A cutover under way, before its switch. */
    public boolean underWay() {
        return this == VERIFYING || this == FROZEN;
    }
}
