package io.ferry.core.mapped;

import java.sql.SQLException;
import java.util.List;

/**
 * A table the sink fills from part of the key space by projecting each value ({@code sink.mappings}), as the
 * reconciler checks it. The sink implements it, so the check runs the very decoders and conversions the sink ran;
 * both sides are cells of text, equal exactly when the sink would have written that row.
 */
public interface MappedTable {

    /** The table's name, as the reports show it. */
    String table();

    /** The etcd prefix it maps. */
    byte[] prefix();

    /** What the sink writes to this table for etcd's key-value. */
    Projection project(byte[] key, byte[] value, long lease, long modRevision);

    /** The rows with {@code from <= key < to} ({@code to} {@code KeyRanges.ALL_KEYS_END}: no bound), in key order (bytewise). */
    List<Stored> read(byte[] from, byte[] to) throws SQLException;

    /**
     * The values in the same range that the sink could not decode for this table (ferry_decode_failures), in any
     * order: their key, revision and, as the one cell, the failure's category.
     */
    List<Stored> decodeFailures(byte[] from, byte[] to) throws SQLException;

    /**
     * What a key-value projects to: a row's cells (the revision first), no row (the key belongs to an earlier mapping,
     * or its value does not convert to a column's type), or a value that does not decode here, which this process
     * cannot judge (the sink lists values it could not decode in ferry_decode_failures; a reconcile without the sink's
     * decryption keys cannot decode what the sink could).
     *
     * @param cells the row's cells; null when there is no row
     * @param undecodable why the value did not decode (a category, never the value); null when it decoded
     */
    record Projection(List<String> cells, String undecodable) {

        public static Projection row(List<String> cells) {
            // Cells may be null (a NULL column), which List.copyOf refuses.
            return new Projection(java.util.Collections.unmodifiableList(new java.util.ArrayList<>(cells)), null);
        }

        public static Projection none() {
            return new Projection(null, null);
        }

        public static Projection undecodable(String category) {
            return new Projection(null, category);
        }

        public boolean hasRow() {
            return cells != null;
        }
    }

    /** A row of the table: its key, its revision and its cells (the revision first, as in a projection). */
    record Stored(byte[] key, long modRevision, List<String> cells) {
    }
}
