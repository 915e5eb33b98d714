package io.ferry.reconciler.sql;

import io.ferry.reconciler.Row;
import io.ferry.reconciler.RowHasher;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.sqlite.Function;

/**
 * SQLite has no SHA-256, so the reconciler registers one: an aggregate that runs inside SQLite's
 * engine (in this process) over the rows in key order ({@code ORDER BY} inside an aggregate call
 * needs SQLite 3.44 or newer, which the bundled driver has).
 */
final class SqliteTable extends JdbcSqlTable {

    private static final String FUNCTION = "ferry_sha256";

    SqliteTable(Connection connection, String table, String topic) throws SQLException {
        super(connection, table, io.ferry.core.config.JdbcTarget.Kind.SQLITE, topic);
        Function.create(connection, FUNCTION, new Sha256Aggregate());
    }

    @Override
    String hashExpression() {
        return FUNCTION + "(\"key\", \"value\", create_revision, mod_revision, version, lease ORDER BY \"key\")";
    }

    @Override
    byte[] digestOf(ResultSet rs, int column) throws SQLException {
        byte[] digest = rs.getBytes(column);
        return digest == null ? new RowHasher().finish() : digest;
    }

    /** Feeds each row to a {@link RowHasher}: the same encoding the etcd side uses, by construction. */
    private static final class Sha256Aggregate extends Function.Aggregate implements Cloneable {
        private RowHasher hasher = new RowHasher();

        @Override
        protected void xStep() throws SQLException {
            byte[] value = value_blob(1);
            hasher.add(new Row(value_blob(0), value == null ? new byte[0] : value, value_long(2), value_long(3),
                    value_long(4), value_long(5)));
        }

        @Override
        protected void xFinal() throws SQLException {
            result(hasher.finish());
        }

        @Override
        public Object clone() throws CloneNotSupportedException {
            Sha256Aggregate copy = (Sha256Aggregate) super.clone();
            copy.hasher = new RowHasher(); // SQLite clones the aggregate per query; each needs its own state
            return copy;
        }
    }
}
