package io.ferry.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL or MariaDB server for a test class that requires TLS and a password, run
 * from Debian's binaries as a child process on a free loopback port with its data in a temporary
 * directory. Unlike {@link SqlDatabase}, which borrows the machine's shared servers, this one is
 * the test's own, so it can be configured strictly:
 *
 * <ul>
 *   <li>PostgreSQL ({@link #postgres()}): {@code ssl=on} with {@link TestCertificates#server()};
 *       {@code pg_hba.conf} admits only {@code hostssl} from 127.0.0.1 with {@code scram-sha-256} (no
 *       {@code trust}, no plain {@code host}, no Unix socket); superuser {@code postgres};
 *       {@code wal_level=logical}.</li>
 *   <li>MariaDB ({@link #mariadb()}): {@code require_secure_transport=ON} with the same certificate;
 *       {@code root} with a password only; {@code log_bin} with {@code binlog_format=ROW},
 *       {@code binlog_row_image=FULL} and {@code server_id=1}.</li>
 * </ul>
 *
 * <p>{@link #jdbcUrl(String)} verifies the server: PostgreSQL with {@code sslmode=verify-full} and
 * {@code sslrootcert=<test CA>}, MariaDB through Connector/J with {@code sslMode=VERIFY_IDENTITY} and
 * the test CA's trust store. Users, databases and grants are made with {@link #createUser},
 * {@link #createDatabase}, {@link #grantAll} and, for anything else, {@link #execute} as the admin.
 *
 * <pre>{@code
 * @RegisterExtension static final SecuredSqlServer PG = SecuredSqlServer.postgres();
 * PG.createDatabase("app");
 * PG.createUser("ferry_sink", "secret");
 * PG.grantAll("app", "ferry_sink");
 * try (Connection c = PG.connect("app", "ferry_sink", "secret")) { ... }
 * }</pre>
 *
 * <p>Register it as a static {@code @RegisterExtension} (started before the first test, stopped and
 * deleted after the last) or drive it by hand with {@link #start()} and {@link #close()}.
 */
public final class SecuredSqlServer extends ServerExtension {

    private static final Logger LOG = LoggerFactory.getLogger(SecuredSqlServer.class);
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final SecuredSqlEngine engine;
    private final TestCertificates.Identity serverIdentity;
    private final TestCertificates certs;
    private final String adminPassword = "admin" + UUID.randomUUID().toString().replace("-", "");
    private Path dir;
    private int port;
    private Process process;
    private Duration startupTime;

    private SecuredSqlServer(SecuredSqlEngine engine, TestCertificates.Identity serverIdentity) {
        this.engine = engine;
        this.certs = TestCertificates.get();
        this.serverIdentity = serverIdentity;
    }

    /** A private PostgreSQL presenting {@link TestCertificates#server()}. */
    public static SecuredSqlServer postgres() {
        return postgres(TestCertificates.get().server());
    }

    /** A private PostgreSQL presenting {@code serverIdentity}, e.g. {@link TestCertificates#wrongNameServer()}. */
    public static SecuredSqlServer postgres(TestCertificates.Identity serverIdentity) {
        return new SecuredSqlServer(new SecuredPostgresEngine(), serverIdentity);
    }

    /** A private MariaDB presenting {@link TestCertificates#server()}, reached with {@code jdbc:mysql://} URLs. */
    public static SecuredSqlServer mariadb() {
        return mariadb(TestCertificates.get().server());
    }

    /** A private MariaDB presenting {@code serverIdentity}. */
    public static SecuredSqlServer mariadb(TestCertificates.Identity serverIdentity) {
        return new SecuredSqlServer(new SecuredMariaDbEngine(), serverIdentity);
    }

    /**
     * Starts the server, the first time initialising its data directory, and returns once the admin
     * can log in over verified TLS; after {@link #kill()} or {@link #stop()}, starts it again on the same
     * port with the same data.
     */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        long started = System.nanoTime();
        if (dir == null) {
            dir = TempDirs.create("ferry-secured-" + engine.kind().name().toLowerCase() + "-");
            port = Ports.free();
            engine.initialise(dir, port, adminPassword, serverIdentity, certs);
        }
        process = Processes.start(engine.command(dir, port, serverIdentity, certs), log(), Map.of());
        awaitAdminLogin();
        startupTime = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("Secured {} (pid {}) ready at 127.0.0.1:{} in {} ms, data in {}", engine.kind(), process.pid(), port,
                startupTime.toMillis(), dir);
    }

    /** Kills the server with SIGKILL, as a crash would; its data stays for {@link #start()}. */
    public synchronized void kill() {
        requireRunning("kill");
        LOG.info("Secured {} killed with SIGKILL (exit code {})", engine.kind(), Processes.kill(process));
    }

    /** Stops the server cleanly and waits for it to exit; its data stays for {@link #start()}. */
    public synchronized void stop() {
        requireRunning("stop");
        LOG.info("Secured {} stopped (exit code {})", engine.kind(), engine.stop(process));
    }

    /** {@link #stop()} then {@link #start()}, keeping port and data. */
    public synchronized void restart() {
        stop();
        start();
    }

    /** Which kind of server this is. */
    public SqlDatabase.Kind kind() {
        return engine.kind();
    }

    /** The loopback port the server listens on (at 127.0.0.1). */
    public int port() {
        requireStarted();
        return port;
    }

    /** How long the last {@link #start()} took, data directory initialisation included. */
    public Duration startupTime() {
        requireStarted();
        return startupTime;
    }

    /** The superuser: {@code postgres} or {@code root}. */
    public String adminUser() {
        return engine.adminUser();
    }

    /** The superuser's password. */
    public String adminPassword() {
        return adminPassword;
    }

    /** The admin's database ({@code postgres}; empty on MariaDB, which needs none). */
    public String adminDatabase() {
        return engine.adminDatabase();
    }

    /**
     * A JDBC URL of {@code database} that requires TLS and verifies the server's certificate chain and
     * host name against the test CA ({@code sslmode=verify-full}; {@code sslMode=VERIFY_IDENTITY}).
     */
    public String jdbcUrl(String database) {
        return engine.jdbcUrl(port(), database, certs, true);
    }

    /** A new connection through {@link #jdbcUrl(String)}; the caller closes it. */
    public Connection connect(String database, String user, String password) throws SQLException {
        return SqlServer.connect(jdbcUrl(database), user, password, engine.kind());
    }

    /**
     * A new connection as the superuser; the caller closes it. It verifies the host name too, unless
     * the server presents a certificate other than {@link TestCertificates#server()}: then only the chain
     * is checked ({@code verify-ca}, {@code VERIFY_CA}), so that a server made with a wrong-name
     * certificate can still be started and set up. {@link #jdbcUrl(String)} always checks the name.
     */
    public Connection connectAdmin(String database) throws SQLException {
        boolean verifyHostName = serverIdentity.equals(certs.server());
        return SqlServer.connect(engine.jdbcUrl(port(), database, certs, verifyHostName), adminUser(), adminPassword, engine.kind());
    }

    /** Creates an empty database. */
    public void createDatabase(String name) {
        execute(adminDatabase(), engine.createDatabase(name).toArray(String[]::new));
    }

    /**
     * Creates a user who may log in from 127.0.0.1 with {@code password} and has no right beyond what
     * every user has (on PostgreSQL, PUBLIC's {@code CONNECT} and {@code TEMPORARY} on databases and
     * {@code USAGE} on their public schemas; on MariaDB, {@code USAGE} only).
     */
    public void createUser(String user, String password) {
        execute(adminDatabase(), engine.createUser(user, password).toArray(String[]::new));
    }

    /**
     * Gives {@code user} every right on {@code database} and none elsewhere: on PostgreSQL it becomes
     * the database's owner (and so its public schema's), on MariaDB it gets {@code ALL} on {@code database.*}.
     */
    public void grantAll(String database, String user) {
        execute(adminDatabase(), engine.grantAll(database, user).toArray(String[]::new));
    }

    /** Runs statements as the superuser in {@code database}, e.g. narrower grants. */
    public void execute(String database, String... statements) {
        try (Connection c = connectAdmin(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run " + List.of(statements) + " on the secured " + engine.kind() + " at "
                    + "127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    /** Kills the server if it runs and deletes its data. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (process != null) {
            Processes.kill(process);
            process = null;
        }
        TempDirs.delete(dir);
        dir = null;
    }

    private Path log() {
        return dir.resolve("server.log");
    }

    private void awaitAdminLogin() {
        Process child = process;
        try {
            Awaitility.await("secured " + engine.kind() + " at 127.0.0.1:" + port).atMost(START_LIMIT)
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .failFast("the server exited", () -> !child.isAlive())
                    .until(() -> {
                        try (Connection c = connectAdmin(adminDatabase())) {
                            return c.isValid(2);
                        }
                    });
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalStateException("The secured " + engine.kind() + " did not let its admin in over TLS at 127.0.0.1:" + port
                    + " within " + START_LIMIT.toSeconds() + " s. Its log:\n" + Processes.tail(log(), 40), e);
        }
    }

    private void requireStarted() {
        if (dir == null) {
            throw new IllegalStateException("The secured " + engine.kind() + " has not been started; register SecuredSqlServer as a "
                    + "static @RegisterExtension or call start()");
        }
    }

    private void requireRunning(String operation) {
        if (process == null) {
            throw new IllegalStateException("Cannot " + operation + " the secured " + engine.kind() + ": it has not been started");
        }
    }
}
