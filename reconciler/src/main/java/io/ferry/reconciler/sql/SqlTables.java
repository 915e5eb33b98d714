package io.ferry.reconciler.sql;

import io.ferry.clients.JdbcConnections;
import io.ferry.clients.JdbcFailures;
import io.ferry.core.FerryException;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import java.sql.Connection;
import java.sql.SQLException;

/** Opens the {@link SqlTable} for a target database, through {@link JdbcConnections} like every connection of Ferry. */
public final class SqlTables {

    private SqlTables() {
    }

    /** The generic table {@code table} and the bookkeeping of the sink that replicates {@code topic} into it. */
    public static SqlTable open(JdbcTarget target, String table, String topic) {
        try {
            Connection c = JdbcConnections.connect(target);
            return switch (target.kind()) {
                case POSTGRES -> new PostgresTable(c, table, topic);
                case MYSQL -> new MysqlTable(c, table, topic);
                case SQLITE -> new SqliteTable(c, table, topic);
            };
        } catch (SQLException e) {
            throw new FerryException("cannot connect to " + Secrets.maskUrl(target.jdbcUrl()) + ": "
                    + JdbcFailures.describe(e, target), e);
        }
    }
}
