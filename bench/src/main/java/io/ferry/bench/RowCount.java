package io.ferry.bench;

import io.ferry.testkit.SqlDatabase;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;

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
     * A digest of every row (count, revision sums, SHA-256 over each row's columns in key order),
     * equal for two tables exactly when they hold the same rows, byte for byte, as far as SHA-256
     * tells. Computed here rather than in SQL, so that it reads the same on PostgreSQL and MariaDB:
     * both order a binary key bytewise (bytea, VARBINARY), which is checked row by row, so the
     * digests of the same rows match across sinks and across databases.
     */
    static String fingerprint(SqlDatabase db, String table) throws SQLException {
        String key = db.kind() == SqlDatabase.Kind.POSTGRES ? "\"key\"" : "`key`"; // a reserved word in MySQL
        MessageDigest digest = sha256();
        long rows = 0;
        long[] sums = new long[4];
        byte[] previous = null;
        try (Connection c = db.connect()) {
            // Streamed, not held in memory: pgjdbc uses a cursor only outside autocommit and with a fetch
            // size; Connector/J streams a forward-only, read-only result when the fetch size is MIN_VALUE.
            c.setAutoCommit(false);
            try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                s.setFetchSize(db.kind() == SqlDatabase.Kind.POSTGRES ? 10_000 : Integer.MIN_VALUE);
                try (ResultSet rs = s.executeQuery("SELECT " + key + ", value, create_revision, mod_revision, version, lease"
                        + " FROM " + table + " ORDER BY " + key)) {
                    ByteBuffer longs = ByteBuffer.allocate(4 * Long.BYTES);
                    while (rs.next()) {
                        byte[] k = rs.getBytes(1);
                        if (previous != null && Arrays.compareUnsigned(previous, k) >= 0) {
                            throw new IllegalStateException(table + " does not order its keys bytewise; fingerprints "
                                    + "of its rows would not compare with another database's");
                        }
                        previous = k;
                        byte[] v = rs.getBytes(2);
                        longs.clear();
                        for (int i = 0; i < 4; i++) {
                            sums[i] += rs.getLong(3 + i);
                            longs.putLong(rs.getLong(3 + i));
                        }
                        // Lengths first, so that no two different rows feed the digest the same bytes.
                        digest.update(ByteBuffer.allocate(2 * Integer.BYTES).putInt(k.length).putInt(v.length).array());
                        digest.update(k);
                        digest.update(v);
                        digest.update(longs.array());
                        rows++;
                    }
                }
            }
            c.rollback();
        }
        return rows + " rows, revisions " + sums[0] + "/" + sums[1] + ", versions " + sums[2] + ", leases " + sums[3]
                + ", sha256 " + HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
