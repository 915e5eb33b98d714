package io.ferry.bench;

import io.ferry.testkit.SqlDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Rows of a table, read on its own connection: how a sink that keeps no watermark (Debezium's) is
 * seen to be done. Zero until the sink has created the table.
 */
final class RowCount implements AutoCloseable {

    private final SqlDatabase db;
    private final String table;
    private Connection connection;

    RowCount(SqlDatabase db, String table) throws SQLException {
        this.db = db;
        this.table = table;
        this.connection = db.connect();
        connection.setAutoCommit(true);
    }

    long rows() {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            // No table yet; or the shared server closed the connection (see WatermarkProbe): a fresh one next time.
            try {
                connection.close();
                connection = db.connect();
                connection.setAutoCommit(true);
            } catch (SQLException again) {
                // The next poll tries again.
            }
            return 0;
        }
    }

    /**
     * A PostgreSQL digest of every row (count, revision sums, md5 over keys and values in key order),
     * equal for two tables exactly when they hold the same rows, byte for byte, as far as md5 tells.
     */
    static String fingerprint(SqlDatabase db, String table) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*), SUM(create_revision), SUM(mod_revision), SUM(version), SUM(lease), "
                        + "md5(string_agg(md5(key) || md5(value), '' ORDER BY key)) FROM " + table)) {
            rs.next();
            return rs.getLong(1) + " rows, revisions " + rs.getLong(2) + "/" + rs.getLong(3) + ", versions "
                    + rs.getLong(4) + ", leases " + rs.getLong(5) + ", md5 " + rs.getString(6);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
