package io.ferry.reconciler;

/** How a key differs between etcd at revision R and SQL. */
public enum DifferenceKind {
    /** In etcd at R, absent from SQL. */
    MISSING("missing in SQL"),
    /** In SQL, absent from etcd at R: a deleted key that came back, or a key never in etcd. */
    EXTRA("extra in SQL"),
    /** In both, but SQL holds a lower mod_revision: an update was lost or is late. */
    STALE("stale in SQL"),
    /** Same mod_revision, different bytes: corruption. */
    MISMATCH("value mismatch at the same revision"),
    /** SQL is at a revision above R and differs from etcd's current state too; checked again before reporting. */
    AHEAD("ahead of R, in a state etcd never had");

    private final String description;

    DifferenceKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
