package io.ferry.sink;

import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.dialect.SqlDialects;
import io.ferry.testkit.SqlDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Reads what the sink wrote, byte for byte, in a form that compares and prints well. */
final class SinkRows {

    private SinkRows() {
    }

    /** The sink's dialect for a test database: MariaDB and MySQL share one. */
    static SqlDialect dialect(SqlDatabase db) {
        return SqlDialects.forKind(switch (db.kind()) {
            case POSTGRES -> JdbcTarget.Kind.POSTGRES;
            case SQLITE -> JdbcTarget.Kind.SQLITE;
            default -> JdbcTarget.Kind.MYSQL;
        });
    }

    static String describe(byte[] value, long create, long mod, long version, long lease) {
        return "value=" + HexFormat.of().formatHex(value) + " create=" + create + " mod=" + mod + " version=" + version
                + " lease=" + lease;
    }

    /** hex(key) to the row's columns. */
    static Map<String, String> read(SqlDatabase db, String table) throws SQLException {
        String q = db.kind() == SqlDatabase.Kind.MARIADB || db.kind() == SqlDatabase.Kind.MYSQL ? "`" : "\"";
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + q + "key" + q + ", " + q + "value" + q
                     + ", create_revision, mod_revision, version, lease FROM " + table)) {
            while (rs.next()) {
                rows.put(HexFormat.of().formatHex(rs.getBytes(1)), describe(rs.getBytes(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6)));
            }
        }
        return rows;
    }

    /** hex(key) to revision of every stored delete tombstone. */
    static Map<String, Long> tombstones(SqlDatabase db) throws SQLException {
        String q = db.kind() == SqlDatabase.Kind.MARIADB || db.kind() == SqlDatabase.Kind.MYSQL ? "`" : "\"";
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + q + "key" + q + ", revision FROM ferry_tombstones")) {
            while (rs.next()) {
                out.put(HexFormat.of().formatHex(rs.getBytes(1)), rs.getLong(2));
            }
        }
        return out;
    }

    static long count(SqlDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
