package io.ferry.sink;

import com.fasterxml.jackson.core.JsonPointer;
import io.ferry.values.ValueDecoder;
import java.util.Arrays;
import java.util.List;

/**
 * A mapped table: keys under {@code prefix} also become rows of {@code table}, with key segments,
 * the lease and JSON pointers into the decoded value as typed columns, and optionally the whole
 * decoded value as JSON ({@code jsonb} on PostgreSQL) in a {@code doc} column. The generic table
 * still holds every key, so the reconciler's comparison is unchanged.
 *
 * @param prefix etcd key prefix, as bytes
 * @param table the mapped table
 * @param columns typed columns, in order
 * @param json whether to keep the whole decoded value in a {@code doc} JSON column
 * @param decoder the mapping's decoder chain ({@code decode}); {@link ValueDecoder#json()} when it has none
 */
record TableMapping(byte[] prefix, String table, List<MappedColumn> columns, boolean json, ValueDecoder decoder) {

    static final String DOC = "doc";

    boolean matches(byte[] key) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Whether a row needs the decoded value: for the doc column, or for a column read from it. */
    boolean readsValue() {
        return json || columns.stream().anyMatch(c -> c.source() == Source.VALUE);
    }

    /** Where a column's value comes from. */
    enum Source {
        /** a '/'-separated segment of the key ({@code key:N}) */
        KEY,
        /** a JSON pointer into the decoded value */
        VALUE,
        /** the key's lease id ({@code lease}); NULL when the key has none */
        LEASE
    }

    /**
     * One typed column.
     *
     * @param name column name
     * @param source where its value comes from
     * @param keySegment index of the key segment, for {@link Source#KEY}; -1 otherwise
     * @param pointer JSON pointer into the decoded value, for {@link Source#VALUE}; null otherwise
     * @param type SQL type
     */
    record MappedColumn(String name, Source source, int keySegment, JsonPointer pointer, ColumnType type) {

        /** The column's {@code from}, as written in the configuration. */
        String from() {
            return switch (source) {
                case KEY -> "key:" + keySegment;
                case VALUE -> pointer.toString();
                case LEASE -> "lease";
            };
        }
    }
}
