package io.ferry.reconciler;

import io.ferry.core.event.Bytes;
import java.util.Arrays;
import java.util.Objects;

/**
 * One key that differs.
 *
 * @param kind how it differs
 * @param key the key bytes
 * @param etcdRevision the key's mod_revision in etcd at R, 0 when absent there
 * @param sqlRevision the row's mod_revision in SQL, 0 when absent there; for a key ahead of R that SQL
 *     deleted ({@link DifferenceKind#AHEAD}), its tombstone's revision
 */
public record Difference(DifferenceKind kind, byte[] key, long etcdRevision, long sqlRevision) {

    public Difference {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Difference d && kind == d.kind && Arrays.equals(key, d.key)
                && etcdRevision == d.etcdRevision && sqlRevision == d.sqlRevision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, Arrays.hashCode(key), etcdRevision, sqlRevision);
    }

    @Override
    public String toString() {
        return kind.jsonName() + " " + Bytes.printable(key) + " etcd@" + etcdRevision + " sql@" + sqlRevision;
    }
}
