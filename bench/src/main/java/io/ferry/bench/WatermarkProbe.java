package io.ferry.bench;

import io.ferry.testkit.SqlDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Reads, on its own connection, the lowest stored watermark of a topic's partitions: the etcd
 * revision through which SQL holds every change (docs/sink.md, Watermarks). Reading it from the
 * database, rather than asking the sink, is what makes it "visible in SQL".
 */
final class WatermarkProbe implements AutoCloseable {

    private final SqlDatabase db;
    private final String topic;
    private Connection connection;
    private PreparedStatement query;

    WatermarkProbe(SqlDatabase db, String topic) throws SQLException {
        this.db = db;
        this.topic = topic;
        connect();
    }

    private void connect() throws SQLException {
        connection = db.connect();
        connection.setAutoCommit(true);
        query = null;
    }

    /** The lowest watermark over {@code partitions} partitions; -1 until each has one. */
    long minWatermark(int partitions) {
        try {
            if (query == null) {
                query = connection.prepareStatement("SELECT MIN(watermark), COUNT(*) FROM ferry_offsets WHERE topic = ?");
            }
            query.setString(1, topic);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() && rs.getLong(2) >= partitions ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            // Before the sink's start-up there is no ferry_offsets yet. And on this shared machine
            // other sessions' tests have closed our server connection under us, so a failed query
            // always gets a new connection: a dead one would read -1 for ever.
            reconnect();
            return -1;
        }
    }

    /**
     * Waits until the watermark reaches {@code revision}; returns the seconds waited.
     *
     * @throws IllegalStateException when the pipeline fails or the limit passes, with the last watermark seen
     */
    double await(long revision, FerryPipeline pipeline, Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            seen = minWatermark(FerryPipeline.PARTITIONS);
            if (seen >= revision) {
                return (System.nanoTime() - start) / 1e9;
            }
            pipeline.check();
            Thread.sleep(10); // a bench polls the stored state: that is the measurement
        }
        throw new IllegalStateException("SQL did not reach etcd revision " + revision + " within " + limit.toSeconds()
                + " s (lowest watermark of topic " + topic + ": " + seen + "); see the log above for the pipeline");
    }

    private void reconnect() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // It is being replaced because it failed; how it closes does not matter.
        }
        try {
            connect();
        } catch (SQLException e) {
            query = null; // the next poll tries again
        }
    }

    long count(String table) throws SQLException {
        try (var s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
