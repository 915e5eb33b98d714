package io.ferry.sink;

import io.ferry.state.DecodeFailuresTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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

    /**
     * Writes the mapped rows of {@code puts}. A put whose value did not decode gets no mapped row (an older one of the
     * key goes) but a row in {@code ferry_decode_failures}; a put that decoded clears an older failure of the key.
     *
     * @param genericTable the generic table, already written in this transaction: a newer row there supersedes a failure
     * @param newRows per mapped table, its bulk-load path for keys it does not hold yet (not taken by repairs); a table
     *     missing here is upserted
     */
    static void upsert(Connection c, SqlDialect dialect, String genericTable, List<RowChange> puts, boolean repair,
                       Map<String, NewRowsFirst> newRows) throws SQLException {
        Map<TableMapping, List<RowChange>> byTable = new LinkedHashMap<>();
        List<DecodeFailuresTable.Failure> failures = new ArrayList<>();
        List<byte[]> decodedKeys = new ArrayList<>();
        List<Long> decodedRevisions = new ArrayList<>();
        for (RowChange r : puts) {
            if (r.mapped() == null) {
                continue;
            }
            if (r.mapped().decoded()) {
                byTable.computeIfAbsent(r.mapped().mapping(), m -> new ArrayList<>()).add(r);
                decodedKeys.add(r.key());
                decodedRevisions.add(r.modRevision());
            } else {
                failures.add(new DecodeFailuresTable.Failure(r.key(), r.modRevision(), r.mapped().mapping().table(),
                        r.mapped().failureTag(), r.mapped().failureReason()));
                delete(c, dialect, List.of(r.mapped().mapping()), List.of(r.key()), new long[] {r.modRevision()}, false);
            }
        }
        DecodeFailuresTable failuresTable = new DecodeFailuresTable(dialect.kind());
        failuresTable.clear(c, decodedKeys, decodedRevisions.stream().mapToLong(Long::longValue).toArray(), false);
        failuresTable.record(c, genericTable, failures, System.currentTimeMillis());
        for (Map.Entry<TableMapping, List<RowChange>> e : byTable.entrySet()) {
            TableMapping m = e.getKey();
            NewRowsFirst load = newRows.get(m.table());
            if (!repair && load != null && load.apply(c, e.getValue()) >= 0) {
                continue;
            }
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
                    ColumnValues.bind(ps, i++, m.columns().get(v).type(), values[v]);
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
        clearFailures(c, dialect, mappings, keys, revisions, inclusive);
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

    /** A deleted or swept key takes its decode failure with it. */
    private static void clearFailures(Connection c, SqlDialect dialect, List<TableMapping> mappings, List<byte[]> keys,
                                      long[] revisions, boolean inclusive) throws SQLException {
        List<byte[]> mapped = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            if (mappings.stream().anyMatch(m -> m.matches(key))) {
                mapped.add(key);
                at.add(revisions[i]);
            }
        }
        new DecodeFailuresTable(dialect.kind()).clear(c, mapped, at.stream().mapToLong(Long::longValue).toArray(), inclusive);
    }
}
