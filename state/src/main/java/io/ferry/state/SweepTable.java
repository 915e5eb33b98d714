package io.ferry.state;

import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements on {@code ferry_sweep}: the keys a snapshot in progress may delete at its end,
 * per partition, until a change read during the snapshot takes a key off the list. Every method
 * works in the caller's connection and transaction, the sink's batch transaction.
 */
public final class SweepTable {

    private final StateSql sql;
    private final String table;

    public SweepTable(JdbcTarget.Kind kind) {
        this.sql = new StateSql(kind);
        this.table = sql.quote(StateTables.SWEEP);
    }

    /** Lists a candidate, or moves it to another partition and epoch. Parameters: key, partition, epoch. */
    public String insert() {
        return Upsert.into(sql, StateTables.SWEEP).values(3).update(List.of("partition_id", "epoch")).sql();
    }

    /** Takes a key off the list: a change read during the snapshot refreshed it. Parameter: key. */
    public String unlist() {
        return "DELETE FROM " + table + " WHERE " + sql.quote("key") + " = ?";
    }

    /** The candidates of {@code partition}. */
    public List<byte[]> keys(Connection c, int partition) throws SQLException {
        List<byte[]> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.quote("key") + " FROM " + table + " WHERE "
                + sql.quote("partition_id") + " = ?")) {
            ps.setInt(1, partition);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getBytes(1));
                }
            }
        }
        return keys;
    }

    /** How many candidates each partition has; partitions without any are absent. */
    public Map<Integer, Long> counts(Connection c) throws SQLException {
        Map<Integer, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.quote("partition_id") + ", COUNT(*) FROM " + table
                + " GROUP BY " + sql.quote("partition_id"));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** Drops the list of {@code partition}. */
    public void clear(Connection c, int partition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + sql.quote("partition_id") + " = ?")) {
            ps.setInt(1, partition);
            ps.executeUpdate();
        }
    }

    /** Drops every partition's list. */
    public void clearAll(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table)) {
            ps.executeUpdate();
        }
    }
}
