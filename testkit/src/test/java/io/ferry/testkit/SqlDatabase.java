package io.ferry.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh, empty SQL database for a test class: on PostgreSQL and MariaDB/MySQL a new database
 * {@code ferry_<class>_<random>} that is dropped afterwards, on SQLite a new file in a temporary
 * directory.
 *
 * <p>Register it with {@code @RegisterExtension static final SqlDatabase DB = SqlDatabase.postgres();},
 * or drive it by hand with {@link #start()} and {@link #close()}.
 *
 * <p>The server is found in this order: the environment variables {@code FERRY_TEST_PG_URL} or
 * {@code FERRY_TEST_MYSQL_URL} (with {@code _USER} and {@code _PASSWORD}), a Testcontainers
 * container when a Docker engine answers, then the local server on 127.0.0.1:5432 (user postgres)
 * or 127.0.0.1:3306 (user root). When none answers, {@link #start()} fails and says how to start
 * the local stack; it never skips.
 */
public final class SqlDatabase extends ServerExtension {

    /** The kinds of database the testkit provides. */
    public enum Kind {
        /** PostgreSQL. */
        POSTGRES,
        /** MariaDB, spoken to through the MySQL protocol and Connector/J. */
        MARIADB,
        /** A real MySQL 8; needs Docker or {@code FERRY_TEST_MYSQL_URL}. */
        MYSQL,
        /** SQLite, a file. */
        SQLITE
    }

    private static final Logger LOG = LoggerFactory.getLogger(SqlDatabase.class);

    private final Kind kind;
    private SqlServer server;
    private String database;
    private String url;
    private Path sqliteDir;

    private SqlDatabase(Kind kind) {
        this.kind = kind;
    }

    /** A fresh PostgreSQL database. */
    public static SqlDatabase postgres() {
        return new SqlDatabase(Kind.POSTGRES);
    }

    /** A fresh MariaDB database, reached with {@code jdbc:mysql://} URLs. */
    public static SqlDatabase mariadb() {
        return new SqlDatabase(Kind.MARIADB);
    }

    /** A fresh database on a real MySQL 8: from {@code FERRY_TEST_MYSQL_URL} or a Testcontainers container. */
    public static SqlDatabase mysql() {
        return new SqlDatabase(Kind.MYSQL);
    }

    /** A fresh SQLite database file. */
    public static SqlDatabase sqlite() {
        return new SqlDatabase(Kind.SQLITE);
    }

    /** The fresh database, named after the test class. */
    @Override
    protected void start(ExtensionContext context) {
        start(context.getTestClass().map(Class::getSimpleName).orElse("test"));
    }

    /** Creates the fresh database. Calling it again while it exists does nothing. */
    public void start() {
        start("test");
    }

    private synchronized void start(String label) {
        if (url != null) {
            return;
        }
        String name = databaseName(label);
        if (kind == Kind.SQLITE) {
            sqliteDir = TempDirs.create("ferry-sqlite-");
            url = "jdbc:sqlite:" + sqliteDir.resolve(name + ".db");
            database = name;
            return;
        }
        server = SqlServers.resolve(kind);
        ChangeCapture.ensure(server, kind);
        String quoted = kind == Kind.POSTGRES ? '"' + name + '"' : '`' + name + '`';
        execute("CREATE DATABASE " + quoted, "create database " + name);
        database = name;
        url = server.urlFor(name);
        LOG.info("Fresh {} database {} on {}", kind, name, server.origin());
    }

    /** Which kind of database this is. */
    public Kind kind() {
        return kind;
    }

    /** The name of the fresh database (for SQLite, the file name without {@code .db}). */
    public String databaseName() {
        requireStarted();
        return database;
    }

    /** The JDBC URL of the fresh database. */
    public String jdbcUrl() {
        requireStarted();
        return url;
    }

    /** The user name to connect with; empty for SQLite. */
    public String user() {
        return server == null ? "" : server.user();
    }

    /** The password to connect with; may be empty. */
    public String password() {
        return server == null ? "" : server.password();
    }

    /** A new connection to the fresh database; the caller closes it. */
    public Connection connect() throws SQLException {
        requireStarted();
        return kind == Kind.SQLITE ? DriverManager.getConnection(url) : SqlServer.connect(url, user(), password(), kind);
    }

    /**
     * Restarts the database server and returns once it answers again, for failure tests. Only the
     * servers of this machine reached through the local defaults can be restarted; SQLite has no
     * server, so for it this does nothing.
     */
    public void restart() {
        requireStarted();
        if (kind != Kind.SQLITE) {
            server.restart();
        }
    }

    /** Drops the fresh database (or deletes the SQLite file). Safe to call twice. */
    @Override
    public synchronized void close() {
        if (url == null) {
            return;
        }
        try {
            if (kind == Kind.SQLITE) {
                TempDirs.delete(sqliteDir);
            } else if (kind == Kind.POSTGRES) {
                // A replication slot (the rollback path's) would block the drop, and keep WAL forever if left.
                execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = '" + database
                        + "' AND active_pid IS NOT NULL", "end the replication of " + database);
                dropSlots();
                // FORCE ends connections a test left open, which would otherwise block the drop.
                execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)", "drop database " + database);
            } else {
                execute("DROP DATABASE IF EXISTS `" + database + "`", "drop database " + database);
            }
        } catch (RuntimeException e) {
            // A leftover database costs disk space, not correctness: it must not fail a test class that passed.
            LOG.warn("Could not clean up the {} test database {}; drop it by hand: {}", kind, database, e.getMessage());
        }
        url = null;
        database = null;
    }

    /** Drops the database's replication slots; a backend just terminated may hold its slot a moment longer. */
    private void dropSlots() {
        AtomicReference<IllegalStateException> last = new AtomicReference<>();
        try {
            Awaitility.await("the replication slots of " + database + " dropped").atMost(Duration.ofSeconds(5))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).until(() -> {
                        try {
                            execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"
                                    + database + "'", "drop the replication slots of " + database);
                            return true;
                        } catch (IllegalStateException e) {
                            last.set(e);
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw last.get() != null ? last.get() : new IllegalStateException(e);
        }
    }

    private void execute(String sql, String what) {
        try (Connection c = server.connectAdmin(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not " + what + " on " + server.origin() + " as user " + server.user()
                    + ": " + e.getMessage() + ". The test user needs the right to create and drop databases.", e);
        }
    }

    private void requireStarted() {
        if (url == null) {
            throw new IllegalStateException("The " + kind + " test database has not been created; register SqlDatabase as a "
                    + "static @RegisterExtension or call start()");
        }
    }

    private static String databaseName(String label) {
        String clean = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        if (clean.length() > 30) {
            clean = clean.substring(0, 30);
        }
        return "ferry_" + clean + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000000, Integer.MAX_VALUE));
    }
}
