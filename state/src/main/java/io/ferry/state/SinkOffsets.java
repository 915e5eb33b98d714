package io.ferry.state;

import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one reader of {@code ferry_offsets} for everyone but the sink that writes it: one topic's
 * rows only, since one database may hold the offsets of several pipelines (or of an old topic), and
 * a wait on another topic's watermark waits on the wrong thing.
 *
 * <p>Each read ends the connection's transaction when it has one, so that the next read sees the
 * sink's latest commit (under REPEATABLE READ a poll would otherwise read one snapshot forever).
 */
public final class SinkOffsets {

    /** How often a wait reads the watermarks again: short, since a cutover's drain counts towards its downtime. */
    private static final long POLL_MS = 20;

    /**
     * One partition's stored row.
     *
     * @param nextOffset the next Kafka offset to apply (-1: from the beginning)
     * @param watermark the etcd revision through which the partition is applied
     * @param updatedAtMs when its last batch committed (epoch ms)
     */
    public record Row(long nextOffset, long watermark, long updatedAtMs) {
    }

    private final Connection connection;
    private final OffsetsTable table;
    private final String topic;

    /** Reads {@code topic}'s offsets through {@code connection}, which stays the caller's to close. */
    public SinkOffsets(Connection connection, JdbcTarget.Kind kind, String topic) {
        this.connection = connection;
        this.table = new OffsetsTable(kind, topic);
        this.topic = topic;
    }

    /** Whether the sink has created its tables in this database: before its first start, there is nothing to read. */
    public boolean stored() throws SQLException {
        return StateSql.exists(connection, StateTables.OFFSETS);
    }

    /** Each partition's watermark; empty when the sink never ran against this database or this topic. */
    public Watermarks watermarks() throws SQLException {
        Map<Integer, Long> out = new TreeMap<>();
        read(new String[] {"partition_id", "watermark"}, rs -> out.put(rs.getInt(1), rs.getLong(2)));
        return new Watermarks(out);
    }

    /** Each partition's row; empty when the sink never ran against this database or this topic. */
    public Map<Integer, Row> rows() throws SQLException {
        Map<Integer, Row> out = new TreeMap<>();
        read(new String[] {"partition_id", "next_offset", "watermark", "updated_at"},
                rs -> out.put(rs.getInt(1), new Row(rs.getLong(2), rs.getLong(3), rs.getLong(4))));
        return out;
    }

    /**
     * Waits until every partition's watermark has reached {@code revision}, or until {@code timeout}
     * has passed; returns the last watermarks read, which the caller checks with
     * {@link Watermarks#reached} and describes in its own terms when they fall short.
     */
    public Watermarks awaitWatermark(long revision, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Watermarks marks = watermarks();
        while (!marks.reached(revision) && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MS);
            marks = watermarks();
        }
        return marks;
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void read(String[] columns, RowReader reader) throws SQLException {
        try {
            if (StateSql.exists(connection, StateTables.OFFSETS)) {
                try (PreparedStatement ps = connection.prepareStatement(table.select(columns))) {
                    ps.setString(1, topic);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            reader.read(rs);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            // PostgreSQL refuses every statement of a failed transaction: end it, so that the next read can work.
            try {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }
}
