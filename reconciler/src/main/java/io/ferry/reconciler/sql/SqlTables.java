package io.ferry.reconciler.sql;

import io.ferry.core.FerryException;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens the {@link SqlTable} for a target database. */
public final class SqlTables {

    private SqlTables() {
    }

    public static SqlTable open(JdbcTarget target, String table) {
        Properties props = new Properties();
        target.user().ifPresent(u -> props.setProperty("user", u));
        target.password().ifPresent(p -> props.setProperty("password", p));
        try {
            Connection c = DriverManager.getConnection(target.jdbcUrl(), props);
            return switch (target.kind()) {
                case POSTGRES -> new PostgresTable(c, table);
                case MYSQL -> new MysqlTable(c, table);
                case SQLITE -> new SqliteTable(c, table);
            };
        } catch (SQLException e) {
            throw new FerryException("cannot connect to " + Secrets.maskUrl(target.jdbcUrl()) + ": " + e.getMessage()
                    + ". Check sink.jdbc and that the database is up.", e);
        }
    }
}
