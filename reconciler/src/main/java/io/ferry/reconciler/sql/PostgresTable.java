package io.ferry.reconciler.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/** PostgreSQL: {@code int4send}/{@code int8send} give the big-endian fields, {@code sha256} the digest. */
final class PostgresTable extends JdbcSqlTable {

    PostgresTable(Connection connection, String table, String topic) throws SQLException {
        super(connection, table, io.ferry.core.config.JdbcTarget.Kind.POSTGRES, topic);
        // pgjdbc streams with a cursor only inside a transaction; the reconciler only reads.
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
    }

    @Override
    String hashExpression() {
        return "sha256(coalesce(string_agg(int4send(length(\"key\")) || \"key\" || int4send(length(\"value\")) || \"value\""
                + " || int8send(create_revision) || int8send(mod_revision) || int8send(version) || int8send(lease),"
                + " ''::bytea ORDER BY \"key\"), ''::bytea))";
    }

    @Override
    byte[] digestOf(ResultSet rs, int column) throws SQLException {
        return rs.getBytes(column);
    }
}
