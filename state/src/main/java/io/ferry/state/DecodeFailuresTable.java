package io.ferry.state;

import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The statements on {@code ferry_decode_failures}: a value under a mapped prefix that the mapping's
 * decoders could not read keeps its raw bytes in the generic table and gets a row here (key,
 * revision, the mapped table, the failure's category and reason) instead of a mapped row. Rows are
 * revision-guarded like any other: a later value of the key, decoded or deleted, removes the row,
 * and a replayed older failure does not come back. Every method works in the caller's connection
 * and transaction.
 */
public final class DecodeFailuresTable {

    /** One value that did not decode. */
    public record Failure(byte[] key, long modRevision, String table, String category, String reason) {
    }

    private final StateSql sql;
    private final String failures;

    public DecodeFailuresTable(JdbcTarget.Kind kind) {
        this.sql = new StateSql(kind);
        this.failures = sql.quote(StateTables.DECODE_FAILURES);
    }

    /**
     * Records failures, each unless something newer of its key is known: a newer row of the key in the
     * generic table {@code genericTable} (written in this transaction or before), a newer delete, or a
     * newer failure. Failures are rare, so each costs a few statements rather than one batch.
     */
    public void record(Connection c, String genericTable, List<Failure> rows, long now) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        String newerRow = "SELECT 1 FROM " + sql.quote(genericTable) + " WHERE " + sql.quote("key") + " = ? AND "
                + sql.quote("mod_revision") + " > ?";
        String newerDelete = "SELECT 1 FROM " + sql.quote(StateTables.TOMBSTONES) + " WHERE " + sql.quote("key") + " = ? AND "
                + sql.quote("revision") + " > ?";
        String replace = "DELETE FROM " + failures + " WHERE " + sql.quote("key") + " = ? AND " + sql.quote("mod_revision") + " <= ?";
        String remaining = "SELECT 1 FROM " + failures + " WHERE " + sql.quote("key") + " = ?";
        String insert = "INSERT INTO " + failures + " (" + sql.columns("key", "mod_revision", "table_name", "category", "reason",
                "recorded_at") + ") VALUES (?, ?, ?, ?, ?, ?)";
        try (PreparedStatement row = c.prepareStatement(newerRow); PreparedStatement tomb = c.prepareStatement(newerDelete);
             PreparedStatement del = c.prepareStatement(replace); PreparedStatement left = c.prepareStatement(remaining);
             PreparedStatement ins = c.prepareStatement(insert)) {
            for (Failure f : rows) {
                if (exists(row, f.key(), f.modRevision()) || exists(tomb, f.key(), f.modRevision())) {
                    continue;
                }
                del.setBytes(1, f.key());
                del.setLong(2, f.modRevision());
                del.executeUpdate();
                left.setBytes(1, f.key());
                try (ResultSet rs = left.executeQuery()) {
                    if (rs.next()) {
                        continue; // a newer failure of the key is recorded
                    }
                }
                ins.setBytes(1, f.key());
                ins.setLong(2, f.modRevision());
                ins.setString(3, f.table());
                ins.setString(4, f.category());
                ins.setString(5, f.reason().length() > 2000 ? f.reason().substring(0, 1997) + "..." : f.reason());
                ins.setLong(6, now);
                ins.executeUpdate();
            }
        }
    }

    /**
     * Removes the failures of {@code keys} older than {@code revisions} (at or older, {@code inclusive}): the key
     * decoded at a later revision, was deleted, or was swept.
     */
    public void clear(Connection c, List<byte[]> keys, long[] revisions, boolean inclusive) throws SQLException {
        // Most of the time there is no failure at all: one read of a row saves a DELETE per key of every batch.
        if (keys.isEmpty() || !anyRow(c)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + failures + " WHERE " + sql.quote("key") + " = ? AND "
                + sql.quote("mod_revision") + (inclusive ? " <= ?" : " < ?"))) {
            for (int i = 0; i < keys.size(); i++) {
                ps.setBytes(1, keys.get(i));
                ps.setLong(2, revisions[i]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Whether the table holds any failure, in the caller's transaction (which sees its own rows). */
    private boolean anyRow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + failures + " LIMIT 1"); ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** The failures of mapped table {@code table} with {@code from <= key < to}, for the reconciler; none before the table exists. */
    public List<Failure> read(Connection c, String table, byte[] from, byte[] to) throws SQLException {
        List<Failure> out = new java.util.ArrayList<>();
        if (!StateSql.exists(c, StateTables.DECODE_FAILURES)) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.columns("key", "mod_revision", "category") + " FROM "
                + failures + " WHERE " + sql.keyRange("key", to) + " AND " + sql.quote("table_name") + " = ?")) {
            ps.setString(StateSql.bindKeyRange(ps, from, to), table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Failure(rs.getBytes(1), rs.getLong(2), table, rs.getString(3), null));
                }
            }
        }
        return out;
    }

    /** Failures by mapped table and category, for reports; empty before the sink created the table. */
    public Map<String, Map<String, Long>> counts(Connection c) throws SQLException {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        if (!StateSql.exists(c, StateTables.DECODE_FAILURES)) {
            return counts;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.columns("table_name", "category") + ", COUNT(*) FROM "
                + failures + " GROUP BY " + sql.columns("table_name", "category"));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.computeIfAbsent(rs.getString(1), t -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3));
            }
        }
        return counts;
    }

    private static boolean exists(PreparedStatement query, byte[] key, long revision) throws SQLException {
        query.setBytes(1, key);
        query.setLong(2, revision);
        try (ResultSet rs = query.executeQuery()) {
            return rs.next();
        }
    }
}
