package io.ferry.sink;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows of a mapped table, the shape a {@link NewRowLoader} sends: the key and {@code mod_revision}
 * of each row, then one cell per mapped column (and the {@code doc} column, when the mapping keeps
 * it), typed as {@link ColumnValues} makes them: String, Long, Double, Boolean, Instant, or JSON
 * text; null for SQL NULL.
 *
 * @param columns the mapped columns' names, after {@code key} and {@code mod_revision}
 * @param types each mapped column's type, in the same order
 * @param keys key bytes, unique within the batch
 * @param modRevisions mod_revision
 * @param cells per row, one value per entry of {@code columns}
 */
public record TypedRows(List<String> columns, List<ColumnType> types, byte[][] keys, long[] modRevisions,
                        Object[][] cells) {

    /** The decoded rows of {@code mapping}, in the order given. */
    static TypedRows of(TableMapping mapping, List<RowChange> rows) {
        List<String> columns = new ArrayList<>();
        List<ColumnType> types = new ArrayList<>();
        for (TableMapping.MappedColumn c : mapping.columns()) {
            columns.add(c.name());
            types.add(c.type());
        }
        if (mapping.json()) {
            columns.add(TableMapping.DOC);
            types.add(ColumnType.JSON);
        }
        int n = rows.size();
        TypedRows out = new TypedRows(List.copyOf(columns), List.copyOf(types), new byte[n][], new long[n], new Object[n][]);
        for (int i = 0; i < n; i++) {
            RowChange r = rows.get(i);
            out.keys[i] = r.key();
            out.modRevisions[i] = r.modRevision();
            Object[] values = r.mapped().values();
            Object[] cells = java.util.Arrays.copyOf(values, columns.size());
            if (mapping.json()) {
                cells[values.length] = r.mapped().doc();
            }
            out.cells[i] = cells;
        }
        return out;
    }

    public int size() {
        return keys.length;
    }
}
