package io.ferry.cli.faults;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/** Reads a target's etcd_kv table and its sink watermark straight from SQL, without Ferry's code. */
final class SqlState {

    private SqlState() {
    }

    static Map<ByteBuffer, Row> rows(Target t) throws SQLException {
        Map<ByteBuffer, Row> rows = new HashMap<>();
        try (Connection c = t.db().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + t.keyColumn() + ", value, create_revision, mod_revision, version, lease FROM etcd_kv")) {
            while (rs.next()) {
                byte[] key = rs.getBytes(1);
                rows.put(ByteBuffer.wrap(key), new Row(key, rs.getBytes(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
            }
        }
        return rows;
    }

    /**
     * The lowest stored watermark over the topic's partitions, or -1 while not every partition has
     * a row (or the database does not answer).
     */
    static long minWatermark(Target t) {
        try (Connection c = t.db().connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*), min(watermark) FROM ferry_offsets WHERE topic = ?")) {
            ps.setString(1, Deployment.TOPIC);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == Deployment.PARTITIONS ? rs.getLong(2) : -1;
            }
        } catch (SQLException e) {
            return -1;
        }
    }
}
