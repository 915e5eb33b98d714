package io.ferry.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes mapped tables with the same revision guard and tombstone check as the generic table,
 * in the same transaction.
 */
final class MappedWrites {

    private MappedWrites() {
    }

    static void upsert(Connection c, SqlDialect dialect, List<RowChange> puts, boolean repair) throws SQLException {
        Map<TableMapping, List<RowChange>> byTable = new LinkedHashMap<>();
        for (RowChange r : puts) {
            if (r.mapped() != null) {
                byTable.computeIfAbsent(r.mapped().mapping(), m -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<TableMapping, List<RowChange>> e : byTable.entrySet()) {
            TableMapping m = e.getKey();
            List<String> columns = new ArrayList<>(List.of("key", "mod_revision"));
            List<String> placeholders = new ArrayList<>(List.of("?", "?"));
            m.columns().forEach(col -> {
                columns.add(col.name());
                placeholders.add(dialect.placeholder(col.type()));
            });
            if (m.json()) {
                columns.add(TableMapping.DOC);
                placeholders.add(dialect.placeholder(ColumnType.JSON));
            }
            GuardedUpserts.apply(c, dialect, m.table(), columns, placeholders, e.getValue(), (ps, first, r) -> {
                int i = first;
                ps.setBytes(i++, r.key());
                ps.setLong(i++, r.modRevision());
                Object[] values = r.mapped().values();
                for (int v = 0; v < values.length; v++) {
                    bind(ps, i++, m.columns().get(v).type(), values[v]);
                }
                if (m.json()) {
                    ps.setString(i++, r.mapped().doc());
                }
                return i;
            }, repair);
        }
    }

    /**
     * Removes keys from the mapped tables that cover them, where the row is older than the
     * delete ({@code inclusive}: at or older, for the snapshot sweep).
     */
    static void delete(Connection c, SqlDialect dialect, List<TableMapping> mappings, List<byte[]> keys,
                       long[] revisions, boolean inclusive) throws SQLException {
        for (TableMapping m : mappings) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + dialect.quote(m.table()) + " WHERE "
                    + dialect.quote("key") + " = ? AND " + dialect.quote("mod_revision") + (inclusive ? " <= ?" : " < ?"))) {
                int n = 0;
                for (int i = 0; i < keys.size(); i++) {
                    if (m.matches(keys.get(i))) {
                        ps.setBytes(1, keys.get(i));
                        ps.setLong(2, revisions[i]);
                        ps.addBatch();
                        n++;
                    }
                }
                if (n > 0) {
                    ps.executeBatch();
                }
            }
        }
    }

    private static void bind(PreparedStatement ps, int i, ColumnType type, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(i, switch (type) {
                case TEXT -> Types.VARCHAR;
                case BIGINT -> Types.BIGINT;
                case DOUBLE -> Types.DOUBLE;
                case BOOLEAN -> Types.BOOLEAN;
                case TIMESTAMP, JSON -> Types.VARCHAR;
            });
            return;
        }
        switch (type) {
            case TEXT, JSON -> ps.setString(i, (String) value);
            case TIMESTAMP -> ps.setString(i, ColumnValues.sqlTimestamp((java.time.Instant) value));
            case BIGINT -> ps.setLong(i, (Long) value);
            case DOUBLE -> ps.setDouble(i, (Double) value);
            case BOOLEAN -> ps.setBoolean(i, (Boolean) value);
        }
    }
}
