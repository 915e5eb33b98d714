package io.ferry.state;

import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The statements on {@code ferry_late_writes}: the etcd changes after a cutover's switch that the
 * sink recorded instead of applying, one row per key and revision, kept even after etcd compacts
 * its history. Every method works in the caller's connection and transaction.
 */
public final class LateWritesTable {

    private final StateSql sql;
    private final String topic;
    private final String table;

    /** The late writes of the deployment that replicates through {@code topic}. */
    public LateWritesTable(JdbcTarget.Kind kind, String topic) {
        this.sql = new StateSql(kind);
        this.topic = topic;
        this.table = sql.quote(StateTables.LATE_WRITES);
    }

    /** The insert that {@link #add} fills and batches. */
    public PreparedStatement prepareInsert(Connection c) throws SQLException {
        return c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /** Adds one late write to a batch of {@link #prepareInsert}; {@code op} is put or delete. */
    public void add(PreparedStatement insert, int partition, long offset, byte[] key, String op, long revision, long tsMs,
                    long recordedAt) throws SQLException {
        insert.setString(1, topic);
        insert.setInt(2, partition);
        insert.setLong(3, offset);
        insert.setBytes(4, key);
        insert.setString(5, op);
        insert.setLong(6, revision);
        insert.setLong(7, tsMs);
        insert.setLong(8, recordedAt);
        insert.addBatch();
    }

    /** The query that {@link #recorded} runs. */
    public PreparedStatement prepareRecorded(Connection c) throws SQLException {
        return c.prepareStatement("SELECT 1 FROM " + table + " WHERE " + sql.quote("revision") + " = ? AND "
                + sql.quote("topic") + " = ? AND " + sql.quote("key") + " = ?");
    }

    /** Whether the change of {@code key} at {@code revision} is recorded already (a replay, a duplicate delivery). */
    public boolean recorded(PreparedStatement query, long revision, byte[] key) throws SQLException {
        query.setLong(1, revision);
        query.setString(2, topic);
        query.setBytes(3, key);
        try (ResultSet rs = query.executeQuery()) {
            return rs.next();
        }
    }

    /** How many late writes are recorded; 0 before the sink created the table. */
    public long count(Connection c) throws SQLException {
        if (!StateSql.exists(c, StateTables.LATE_WRITES)) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE " + sql.quote("topic") + " = ?")) {
            ps.setString(1, topic);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
