package io.ferry.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import io.ferry.core.config.SinkConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens the target database: a HikariCP pool for the sink, single connections for tools. */
final class Databases {

    private Databases() {
    }

    /**
     * Opens the pool, waiting through the retrier for a database that is down, restarting or drops
     * the connection while it is set up (a transient error), as the sink waits during a batch: a
     * sink started with its database (a host's boot, a Kubernetes rollout, a failover) comes up
     * instead of exiting. Any other error (bad credentials, no such database) fails at once.
     */
    static HikariDataSource pool(JdbcTarget target, SqlDialect dialect, SinkConfig sink, Retrier retrier) {
        String url = Secrets.maskUrl(target.jdbcUrl());
        return retrier.run("Connecting to the sink database " + url + " (check sink.jdbc, sink.user and sink.password, "
                + "and that the database is up)", () -> {
                    try {
                        return new HikariDataSource(config(target, dialect, sink));
                    } catch (HikariPool.PoolInitializationException e) {
                        if (e.getCause() instanceof SQLException cause) {
                            throw cause;
                        }
                        throw new SinkException("cannot connect to the sink database " + url + ": " + e.getMessage()
                                + ". Check sink.jdbc, sink.user and sink.password, and that the database is up.", e);
                    }
                });
    }

    private static HikariConfig config(JdbcTarget target, SqlDialect dialect, SinkConfig sink) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("ferry-sink");
        hc.setJdbcUrl(target.jdbcUrl());
        target.user().ifPresent(hc::setUsername);
        target.password().ifPresent(hc::setPassword);
        dialect.driverProperties().forEach(hc::addDataSourceProperty);
        // SQLite has one writer; a second pooled connection would only wait on the first.
        hc.setMaximumPoolSize(dialect.kind() == JdbcTarget.Kind.SQLITE ? 1 : sink.poolSize());
        hc.setMinimumIdle(1);
        hc.setAutoCommit(false);
        hc.setConnectionTimeout(10_000);
        // One attempt per call: the retrier decides whether to try again, and when.
        hc.setInitializationFailTimeout(1);
        return hc;
    }

    /** One connection with autocommit off, for status and replay. */
    static Connection connect(JdbcTarget target, SqlDialect dialect) {
        Properties props = new Properties();
        dialect.driverProperties().forEach(props::setProperty);
        target.user().ifPresent(u -> props.setProperty("user", u));
        target.password().ifPresent(p -> props.setProperty("password", p));
        try {
            Connection c = DriverManager.getConnection(target.jdbcUrl(), props);
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            throw new SinkException("cannot connect to the sink database " + Secrets.maskUrl(target.jdbcUrl()) + ": "
                    + e.getMessage() + ". Check sink.jdbc, sink.user and sink.password, and that the database is up.", e);
        }
    }
}
