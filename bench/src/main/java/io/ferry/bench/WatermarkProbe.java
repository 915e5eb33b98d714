package io.ferry.bench;

import io.ferry.core.config.JdbcTarget;
import io.ferry.state.SinkOffsets;
import io.ferry.state.Watermarks;
import io.ferry.testkit.SqlDatabase;
import java.sql.Connection;
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
    private SinkOffsets offsets;

    WatermarkProbe(SqlDatabase db, String topic) throws SQLException {
        this.db = db;
        this.topic = topic;
        connect();
    }

    private void connect() throws SQLException {
        connection = db.connect();
        connection.setAutoCommit(true);
        offsets = new SinkOffsets(connection, JdbcTarget.parse(db.jdbcUrl()).kind(), topic);
    }

    /** The lowest watermark over {@code partitions} partitions; -1 until each has one. */
    long minWatermark(int partitions) {
        if (offsets == null) {
            reconnect();
            return -1;
        }
        try {
            Watermarks marks = offsets.watermarks();
            return marks.byPartition().size() >= partitions ? marks.min() : -1;
        } catch (SQLException e) {
            // On this shared machine other sessions' tests have closed our server connection under us, so
            // a failed query always gets a new connection: a dead one would read -1 for ever.
            reconnect();
            return -1;
        }
    }

    /**
     * Waits until the watermark reaches {@code revision}; returns the seconds waited.
     *
     * @throws IllegalStateException when the pipeline fails or the limit passes, with the last watermark seen
     */
    double await(long revision, Replication pipeline, Duration limit) throws InterruptedException {
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
            offsets = null; // the next poll tries again
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
