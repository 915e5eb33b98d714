package io.ferry.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.ferry.clients.JdbcConnections;
import io.ferry.clients.JdbcFailures;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import io.ferry.core.config.SinkConfig;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens the target database: a HikariCP pool for the sink, single connections for tools. Both
 * take their settings (URL with TLS, user, password) from {@link JdbcConnections}, with the
 * dialect's tuning.
 */
final class Databases {

    private Databases() {
    }

    /**
     * Opens the pool, waiting through the retrier for a database that is down, restarting or drops
     * the connection while it is set up (a transient error), as the sink waits during a batch: a
     * sink started with its database (a host's boot, a Kubernetes rollout, a failover) comes up
     * instead of exiting. Any other error (bad credentials, no such database, a TLS failure) fails
     * at once, with one line that says why.
     */
    static HikariDataSource pool(JdbcTarget target, SqlDialect dialect, SinkConfig sink, Retrier retrier) {
        String url = Secrets.maskUrl(target.jdbcUrl());
        return retrier.run("Connecting to the sink database " + url + " (check sink.jdbc, sink.user and sink.password, "
                + "and that the database is up)", () -> {
                    try {
                        return new HikariDataSource(config(target, dialect, sink));
                    } catch (HikariPool.PoolInitializationException e) {
                        if (e.getCause() instanceof SQLException cause && !JdbcFailures.isConfiguration(cause)) {
                            throw cause; // the retrier decides whether it is worth another attempt
                        }
                        throw new SinkException("cannot connect to the sink database " + url + ": "
                                + JdbcFailures.describe(e, target), e);
                    }
                });
    }

    private static HikariConfig config(JdbcTarget target, SqlDialect dialect, SinkConfig sink) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("ferry-sink");
        hc.setJdbcUrl(target.jdbcUrl());
        // User and password travel with the driver properties, as for every other connection of Ferry.
        JdbcConnections.properties(target, dialect.driverProperties()).forEach((k, v) -> hc.addDataSourceProperty((String) k, v));
        int writers = writers(dialect, sink);
        // SQLite has one writer; a second pooled connection would only wait on the first.
        hc.setMaximumPoolSize(dialect.kind() == JdbcTarget.Kind.SQLITE ? 1 : Math.max(sink.poolSize(), writers));
        hc.setMinimumIdle(1);
        hc.setAutoCommit(false);
        if (writers > 1 && dialect.parallelWritersIsolation() != null) {
            hc.setTransactionIsolation(dialect.parallelWritersIsolation());
        }
        hc.setConnectionTimeout(10_000);
        // One attempt per call: the retrier decides whether to try again, and when.
        hc.setInitializationFailTimeout(1);
        return hc;
    }

    /**
     * How many writer threads the sink runs, each with a connection of its own while it writes: as set, except on
     * SQLite, which takes one writer at a time.
     */
    static int writers(SqlDialect dialect, SinkConfig sink) {
        return dialect.kind() == JdbcTarget.Kind.SQLITE ? 1 : sink.writers();
    }

    /** One connection with autocommit off, for status and replay. */
    static Connection connect(JdbcTarget target, SqlDialect dialect) {
        try {
            Connection c = JdbcConnections.connect(target, dialect.driverProperties());
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            throw new SinkException("cannot connect to the sink database " + Secrets.maskUrl(target.jdbcUrl()) + ": "
                    + JdbcFailures.describe(e, target), e);
        }
    }
}
