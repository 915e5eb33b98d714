package io.ferry.state;

import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sink's statements on {@code ferry_offsets}, one topic's rows: per partition, the next Kafka
 * offset to apply, the watermark and the snapshot in progress. Others read the rows through
 * {@link SinkOffsets}. Every method works in the caller's connection and transaction.
 */
public final class OffsetsTable {

    /**
     * Where a partition stands.
     *
     * @param nextOffset the next Kafka offset to apply (-1: from the beginning)
     * @param watermark the etcd revision through which the partition is applied
     * @param snapshotEpoch the snapshot in progress, 0 when none
     * @param snapshotRevision that snapshot's etcd revision
     */
    public record Progress(long nextOffset, long watermark, long snapshotEpoch, long snapshotRevision) {
    }

    private final StateSql sql;
    private final String table;
    private final String topic;

    public OffsetsTable(JdbcTarget.Kind kind, String topic) {
        this.sql = new StateSql(kind);
        this.table = sql.quote(StateTables.OFFSETS);
        this.topic = topic;
    }

    /** The query of {@code columns} of this topic's rows. Parameter: the topic. */
    String select(String... columns) {
        return "SELECT " + sql.columns(columns) + " FROM " + table + " WHERE " + sql.quote("topic") + " = ?";
    }

    /** Gives each of {@code partitions} a row from the beginning of the topic, where it has none. */
    public void ensure(Connection c, Collection<Integer> partitions) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(Upsert.into(sql, StateTables.OFFSETS)
                .values(List.of("?", "?", "-1", "0", "0", "0", "0")).ifAbsent())) {
            for (int p : partitions) {
                ps.setString(1, topic);
                ps.setInt(2, p);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Each partition's row. */
    public Map<Integer, Progress> read(Connection c) throws SQLException {
        Map<Integer, Progress> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(select("partition_id", "next_offset", "watermark", "snapshot_epoch",
                "snapshot_revision"))) {
            ps.setString(1, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), new Progress(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
                }
            }
        }
        return out;
    }

    /**
     * Moves {@code partition}'s row to {@code next} if it is still at {@code expectedOffset}: a compare-and-set, so
     * that of two sinks that overlap the second matches no row. Returns whether it moved.
     */
    public boolean advance(Connection c, int partition, long expectedOffset, Progress next, long nowMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + sql.quote("next_offset") + " = ?, "
                + sql.quote("watermark") + " = ?, " + sql.quote("snapshot_epoch") + " = ?, " + sql.quote("snapshot_revision")
                + " = ?, " + sql.quote("updated_at") + " = ? WHERE " + sql.quote("topic") + " = ? AND "
                + sql.quote("partition_id") + " = ? AND " + sql.quote("next_offset") + " = ?")) {
            ps.setLong(1, next.nextOffset());
            ps.setLong(2, next.watermark());
            ps.setLong(3, next.snapshotEpoch());
            ps.setLong(4, next.snapshotRevision());
            ps.setLong(5, nowMs);
            ps.setString(6, topic);
            ps.setInt(7, partition);
            ps.setLong(8, expectedOffset);
            return ps.executeUpdate() == 1;
        }
    }

    /** The stored next offset of {@code partition}, or -2 when it has no row. */
    public long nextOffset(Connection c, int partition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.quote("next_offset") + " FROM " + table + " WHERE "
                + sql.quote("topic") + " = ? AND " + sql.quote("partition_id") + " = ?")) {
            ps.setString(1, topic);
            ps.setInt(2, partition);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -2;
            }
        }
    }

    /** Sets partitions that have a row to start again at the given offsets; their snapshot state is reset. */
    public void rewind(Connection c, Map<Integer, Long> offsets, long nowMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + sql.quote("next_offset") + " = ?, "
                + sql.quote("snapshot_epoch") + " = 0, " + sql.quote("snapshot_revision") + " = 0, " + sql.quote("updated_at")
                + " = ? WHERE " + sql.quote("topic") + " = ? AND " + sql.quote("partition_id") + " = ?")) {
            for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
                ps.setLong(1, e.getValue());
                ps.setLong(2, nowMs);
                ps.setString(3, topic);
                ps.setInt(4, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
