package io.ferry.testkit;

import java.nio.file.Path;
import java.util.List;

/**
 * How {@link SecuredSqlServer} installs, starts, stops and speaks to one kind of database server:
 * one implementation per database, each driving that server's own Debian binaries.
 */
interface SecuredSqlEngine {

    /** The kind of database, for messages and for {@link SqlServer#connect}'s timeouts. */
    SqlDatabase.Kind kind();

    /** The superuser the engine creates with the admin password. */
    String adminUser();

    /** The database admin connections open (PostgreSQL needs one; MariaDB takes none). */
    String adminDatabase();

    /**
     * Makes a fresh data directory under {@code dir}: the system tables, the admin user with
     * {@code adminPassword}, TLS with {@code server}'s certificate and the test CA, change capture
     * (the rollback path's logical decoding or row-based binlog). Runs once per server.
     */
    void initialise(Path dir, int port, String adminPassword, TestCertificates.Identity server, TestCertificates certs);

    /** The command line that runs the server in the foreground, so that the process started is the server. */
    List<String> command(Path dir, int port, TestCertificates.Identity server, TestCertificates certs);

    /** Stops the server cleanly, waiting for it to exit; returns the exit code. */
    int stop(Process server);

    /**
     * A JDBC URL that requires TLS and verifies the server's certificate chain against the test CA and,
     * when {@code verifyHostName}, that the certificate names 127.0.0.1.
     */
    String jdbcUrl(int port, String database, TestCertificates certs, boolean verifyHostName);

    /** Statements that create an empty database. */
    List<String> createDatabase(String name);

    /** Statements that create a user who may log in from 127.0.0.1 with the password and has no other right. */
    List<String> createUser(String user, String password);

    /** Statements that give {@code user} every right on {@code database} and none elsewhere. */
    List<String> grantAll(String database, String user);

    /** True when the test JVM runs as root, whom the database servers refuse to run as without being told. */
    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
