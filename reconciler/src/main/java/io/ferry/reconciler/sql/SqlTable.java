package io.ferry.reconciler.sql;

import io.ferry.reconciler.Row;
import io.ferry.state.SinkOffsets;
import java.sql.SQLException;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The reconciler's read-only view of the sink's generic table and bookkeeping, in one database.
 * Ranges are half-open [{@code from}, {@code to}) in unsigned byte order; a {@code to} of
 * {@link io.ferry.core.KeyRanges#ALL_KEYS_END} means no upper bound.
 */
public interface SqlTable extends AutoCloseable {

    /** Count and SHA-256 of the rows in the range, computed inside the database. */
    RangeHash hash(byte[] from, byte[] to) throws SQLException;

    /** Streams the rows of the range in key order, without holding them all in memory. */
    void rows(byte[] from, byte[] to, Consumer<Row> consumer) throws SQLException;

    /** The one row with this key, if any. */
    java.util.Optional<Row> row(byte[] key) throws SQLException;

    /** The rows of those of {@code keys} that exist, read in as few round trips as the database allows. */
    default java.util.List<Row> rows(java.util.List<byte[]> keys) throws SQLException {
        java.util.List<Row> found = new java.util.ArrayList<>();
        for (byte[] k : keys) {
            row(k).ifPresent(found::add);
        }
        return found;
    }

    /** The revision at which the sink deleted this key, if it keeps a tombstone for it. */
    OptionalLong tombstoneRevision(byte[] key) throws SQLException;

    /** Keys in the range that the sink deleted at a revision above {@code revision}. */
    java.util.List<byte[]> tombstonesAfter(byte[] from, byte[] to, long revision) throws SQLException;

    /** Each partition's applied etcd revision, as the sink of this table's topic stored it; empty if it never ran. */
    Map<Integer, Long> watermarks() throws SQLException;

    /** The sink's offsets and watermarks of this table's topic, read through this table's connection. */
    SinkOffsets offsets();

    @Override
    void close() throws SQLException;
}
