package io.ferry.sink;

import java.util.Arrays;

/**
 * Rows of the generic table as one array per column ({@link SqlDialect#ROW_COLUMNS}), the shape
 * the set-based paths send: one array parameter per column, or one COPY stream.
 *
 * @param keys key bytes, unique within the batch
 * @param values value bytes
 * @param createRevisions create_revision
 * @param modRevisions mod_revision
 * @param versions version
 * @param leases lease
 */
public record RowColumns(byte[][] keys, byte[][] values, long[] createRevisions, long[] modRevisions, long[] versions,
                         long[] leases) {

    /** The puts' columns, ordered by key (unsigned bytes), so that an index takes them in order. */
    static RowColumns sortedByKey(java.util.List<RowChange> puts) {
        return of(byKey(puts));
    }

    /** The puts ordered by key (unsigned bytes). */
    static java.util.List<RowChange> byKey(java.util.List<RowChange> puts) {
        RowChange[] rows = puts.toArray(RowChange[]::new);
        Arrays.sort(rows, (a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        return Arrays.asList(rows);
    }

    /** The rows' columns, in the order given. */
    static RowColumns of(java.util.List<RowChange> rows) {
        int n = rows.size();
        RowColumns out = new RowColumns(new byte[n][], new byte[n][], new long[n], new long[n], new long[n], new long[n]);
        for (int i = 0; i < n; i++) {
            RowChange r = rows.get(i);
            out.keys[i] = r.key();
            out.values[i] = r.value();
            out.createRevisions[i] = r.createRevision();
            out.modRevisions[i] = r.modRevision();
            out.versions[i] = r.version();
            out.leases[i] = r.lease();
        }
        return out;
    }

    public int size() {
        return keys.length;
    }
}
