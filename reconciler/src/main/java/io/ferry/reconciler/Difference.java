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
 * @param etcdDigest where both sides hold the key, a digest of etcd's value ({@link #digest}); null otherwise
 * @param sqlDigest where both sides hold the key, a digest of SQL's value; null otherwise
 * @param table the mapped table whose row differs ({@code sink.mappings}); null for the generic table
 */
public record Difference(DifferenceKind kind, byte[] key, long etcdRevision, long sqlRevision, String etcdDigest,
                         String sqlDigest, String table) {

    public Difference {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(key);
    }

    /** A difference of the generic table. */
    public Difference(DifferenceKind kind, byte[] key, long etcdRevision, long sqlRevision, String etcdDigest,
                      String sqlDigest) {
        this(kind, key, etcdRevision, sqlRevision, etcdDigest, sqlDigest, null);
    }

    /** A key one side lacks: there is no pair of values to tell apart. */
    public Difference(DifferenceKind kind, byte[] key, long etcdRevision, long sqlRevision) {
        this(kind, key, etcdRevision, sqlRevision, null, null);
    }

    /**
     * The first 16 hex digits of the value's SHA-256: enough to see whether two values are the same without
     * printing either, which may hold secrets.
     */
    public static String digest(byte[] value) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(value), 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Difference d && kind == d.kind && Arrays.equals(key, d.key)
                && etcdRevision == d.etcdRevision && sqlRevision == d.sqlRevision && Objects.equals(etcdDigest, d.etcdDigest)
                && Objects.equals(sqlDigest, d.sqlDigest) && Objects.equals(table, d.table);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, Arrays.hashCode(key), etcdRevision, sqlRevision, etcdDigest, sqlDigest, table);
    }

    @Override
    public String toString() {
        return (table == null ? "" : table + ": ") + kind.jsonName() + " " + Bytes.printable(key) + " etcd@" + etcdRevision + " sql@" + (sqlRevision == 0 ? "-" : sqlRevision)
                + (etcdDigest == null ? "" : " values " + etcdDigest + " / " + sqlDigest);
    }
}
