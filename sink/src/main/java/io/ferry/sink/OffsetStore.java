package io.ferry.sink;

import io.ferry.state.StateTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes {@code ferry_offsets}: per topic partition, the next offset to apply, the
 * watermark and the snapshot in progress.
 *
 * <p>Every batch moves a partition's row with a compare-and-set on the offset it started from.
 * That both takes the row lock first (so two sinks that overlap during a rebalance queue up on
 * it) and fences the loser: once the winner has committed, the other's update matches no row,
 * and it rolls back and re-reads where the partition stands.
 */
final class OffsetStore {

    private final SqlDialect dialect;
    private final String topic;

    OffsetStore(SqlDialect dialect, String topic) {
        this.dialect = dialect;
        this.topic = topic;
    }

    /** Makes sure each partition has a row, then reads them. Commits. */
    Map<Integer, PartitionProgress> load(Connection c, Collection<Integer> partitions) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.insertOffsetIfAbsent())) {
            for (int p : partitions) {
                ps.setString(1, topic);
                ps.setInt(2, p);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Map<Integer, PartitionProgress> out = new TreeMap<>();
        Map<Integer, Long> candidates = sweepCandidates(c);
        try (PreparedStatement ps = c.prepareStatement("SELECT " + col("partition_id") + ", " + col("next_offset") + ", "
                + col("watermark") + ", " + col("snapshot_epoch") + ", " + col("snapshot_revision") + " FROM "
                + dialect.quote(StateTables.OFFSETS) + " WHERE " + col("topic") + " = ?")) {
            ps.setString(1, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int p = rs.getInt(1);
                    if (partitions.contains(p)) {
                        out.put(p, new PartitionProgress(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                                candidates.getOrDefault(p, 0L)));
                    }
                }
            }
        }
        c.commit();
        return out;
    }

    private Map<Integer, Long> sweepCandidates(Connection c) throws SQLException {
        Map<Integer, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + col("partition_id") + ", COUNT(*) FROM "
                + dialect.quote(StateTables.SWEEP) + " GROUP BY " + col("partition_id"));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** Moves the row from the plan's expected offset to its next one; false when it was not at the expected offset. */
    boolean advance(Connection c, PartitionPlan plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + dialect.quote(StateTables.OFFSETS) + " SET "
                + col("next_offset") + " = ?, " + col("watermark") + " = ?, " + col("snapshot_epoch") + " = ?, "
                + col("snapshot_revision") + " = ?, " + col("updated_at") + " = ? WHERE " + col("topic") + " = ? AND "
                + col("partition_id") + " = ? AND " + col("next_offset") + " = ?")) {
            ps.setLong(1, plan.nextOffset());
            ps.setLong(2, plan.watermark());
            ps.setLong(3, plan.snapshotEpoch());
            ps.setLong(4, plan.snapshotRevision());
            ps.setLong(5, System.currentTimeMillis());
            ps.setString(6, topic);
            ps.setInt(7, plan.partition());
            ps.setLong(8, plan.expectedOffset());
            return ps.executeUpdate() == 1;
        }
    }

    /** The stored next offset of a partition, or -2 when it has no row. */
    long storedOffset(Connection c, int partition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + col("next_offset") + " FROM "
                + dialect.quote(StateTables.OFFSETS) + " WHERE " + col("topic") + " = ? AND " + col("partition_id") + " = ?")) {
            ps.setString(1, topic);
            ps.setInt(2, partition);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -2;
            }
        }
    }

    /** Sets partitions to start again at the given offsets (-1: the beginning); the snapshot state is reset. */
    void rewind(Connection c, Map<Integer, Long> offsets) throws SQLException {
        load(c, offsets.keySet());
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + dialect.quote(StateTables.OFFSETS) + " SET "
                + col("next_offset") + " = ?, " + col("snapshot_epoch") + " = 0, " + col("snapshot_revision") + " = 0, "
                + col("updated_at") + " = ? WHERE " + col("topic") + " = ? AND " + col("partition_id") + " = ?")) {
            for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
                ps.setLong(1, e.getValue());
                ps.setLong(2, System.currentTimeMillis());
                ps.setString(3, topic);
                ps.setInt(4, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + dialect.quote(StateTables.SWEEP))) {
            ps.executeUpdate();
        }
        c.commit();
    }

    private String col(String name) {
        return dialect.quote(name);
    }
}
