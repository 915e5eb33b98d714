package io.ferry.sink;

import java.util.Arrays;
import java.util.List;

/**
 * A mapped table: keys under {@code prefix} also become rows of {@code table}, with key segments
 * and JSON pointers into the value as typed columns, and optionally the whole value as JSON
 * ({@code jsonb} on PostgreSQL) in a {@code doc} column. The generic table still holds every key,
 * so the reconciler's comparison is unchanged.
 *
 * @param prefix etcd key prefix, as bytes
 * @param table the mapped table
 * @param columns typed columns, in order
 * @param json whether to keep the whole value in a {@code doc} JSON column
 */
record TableMapping(byte[] prefix, String table, List<MappedColumn> columns, boolean json) {

    static final String DOC = "doc";

    boolean matches(byte[] key) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * One typed column.
     *
     * @param name column name
     * @param keySegment index of the '/'-separated key segment it comes from, or -1
     * @param pointer JSON pointer into the value it comes from, or null
     * @param type SQL type
     */
    record MappedColumn(String name, int keySegment, String pointer, ColumnType type) {
    }
}
