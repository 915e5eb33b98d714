package io.ferry.reconciler.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * MySQL and MariaDB: the big-endian fields are built with {@code UNHEX(LPAD(HEX(n), ...))}
 * ({@code HEX} of a negative BIGINT is its 64-bit two's complement, as Java writes it), the rows
 * are joined with {@code GROUP_CONCAT} in key order and hashed with {@code SHA2(..., 256)}.
 */
final class MysqlTable extends JdbcSqlTable {

    MysqlTable(Connection connection, String table, String topic) throws SQLException {
        super(connection, table, io.ferry.core.config.JdbcTarget.Kind.MYSQL, topic);
        try (Statement s = connection.createStatement()) {
            // GROUP_CONCAT silently truncates at this length; a range is at most one bounded page.
            s.execute("SET SESSION group_concat_max_len = 4294967295");
        }
    }

    @Override
    String hashExpression() {
        return "SHA2(GROUP_CONCAT(CONCAT(" + be32("LENGTH(`key`)") + ", `key`, " + be32("LENGTH(`value`)") + ", `value`, "
                + be64("create_revision") + ", " + be64("mod_revision") + ", " + be64("version") + ", " + be64("lease")
                + ") ORDER BY `key` SEPARATOR ''), 256)";
    }

    @Override
    byte[] digestOf(ResultSet rs, int column) throws SQLException {
        String hex = rs.getString(column);
        // GROUP_CONCAT of no rows is NULL: the digest of nothing, as the Java side computes it.
        return hex == null ? EMPTY_SHA256 : HexFormat.of().parseHex(hex);
    }

    @Override
    void prepareStreaming(PreparedStatement ps) throws SQLException {
        ps.setFetchSize(Integer.MIN_VALUE); // Connector/J's row-by-row streaming
    }

    private static String be32(String expr) {
        return "UNHEX(LPAD(HEX(" + expr + "), 8, '0'))";
    }

    private static String be64(String expr) {
        return "UNHEX(LPAD(HEX(" + expr + "), 16, '0'))";
    }

    static final byte[] EMPTY_SHA256 = HexFormat.of().parseHex(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
