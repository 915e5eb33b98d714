package io.ferry.connect;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.ferry.core.event.Bytes;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * etcd's keys under a prefix and the rows of the table Debezium's JDBC sink writes, in one form
 * that compares with {@code equals} and prints readably when it differs: printable key to row.
 */
final class Tables {

    /** One key's state: value (hex), the revisions and the lease, as etcd reports them. */
    record Row(String value, long createRevision, long modRevision, long version, long lease) {
    }

    private Tables() {
    }

    static Map<String, Row> etcd(Client client, String prefix) throws Exception {
        Map<String, Row> out = new TreeMap<>();
        for (KeyValue kv : client.getKVClient().get(ByteSequence.from(prefix, StandardCharsets.UTF_8),
                GetOption.builder().isPrefix(true).build()).get(30, TimeUnit.SECONDS).getKvs()) {
            out.put(Bytes.printable(kv.getKey().getBytes()), new Row(hex(kv.getValue().getBytes()), kv.getCreateRevision(),
                    kv.getModRevision(), kv.getVersion(), kv.getLease()));
        }
        return out;
    }

    /** The table's rows; empty while the connector has not created it yet. */
    static Map<String, Row> sql(SqlDatabase db, String table) throws SQLException {
        Map<String, Row> out = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            if (!exists(s, table)) {
                return out;
            }
            try (ResultSet rs = s.executeQuery("SELECT key, value, create_revision, mod_revision, version, lease FROM " + table)) {
                while (rs.next()) {
                    out.put(Bytes.printable(rs.getBytes(1)), new Row(hex(rs.getBytes(2)), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6)));
                }
            }
        }
        return out;
    }

    /** Each row's epoch column. */
    static Map<String, Long> epochs(SqlDatabase db, String table) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT key, epoch FROM " + table)) {
            while (rs.next()) {
                out.put(Bytes.printable(rs.getBytes(1)), rs.getLong(2));
            }
        }
        return out;
    }

    static int execute(SqlDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    private static boolean exists(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
