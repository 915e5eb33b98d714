package io.ferry.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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

    static HikariDataSource pool(JdbcTarget target, SqlDialect dialect, SinkConfig sink) {
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
        hc.setInitializationFailTimeout(10_000);
        try {
            return new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new SinkException("cannot connect to the sink database " + Secrets.maskUrl(target.jdbcUrl()) + ": "
                    + e.getMessage() + ". Check sink.jdbc, sink.user and sink.password, and that the database is up.", e);
        }
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
