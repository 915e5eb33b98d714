package io.ferry.cli;

import org.awaitility.Awaitility;

import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/** One key's row in a sink's generic table (PostgreSQL or SQLite quoting), read back for assertions. */
final class SqlRows {

    /** A row: its value as text and its revision. */
    record Row(String value, long modRevision) {
    }

    private SqlRows() {
    }

    /** The row of {@code key}, or null (no row, or no table yet). */
    static Row read(SqlDatabase db, String table, String key) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT \"value\", mod_revision FROM " + table + " WHERE \"key\" = ?")) {
            ps.setBytes(1, key.getBytes(StandardCharsets.UTF_8));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Row(new String(rs.getBytes(1), StandardCharsets.UTF_8), rs.getLong(2)) : null;
            }
        } catch (SQLException e) {
            return null;
        }
    }

    /** Waits until {@code key} holds {@code value}. */
    static Row await(SqlDatabase db, String table, String key, String value) {
        Row[] last = {null};
        Awaitility.await(key + " = " + value + " in " + table).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    last[0] = read(db, table, key);
                    return last[0] != null && Objects.equals(value, last[0].value());
                });
        return last[0];
    }
}
