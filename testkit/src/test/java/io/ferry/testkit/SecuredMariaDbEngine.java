package io.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MariaDB from Debian's binaries: {@code mariadb-install-db}, then {@code mariadbd} in the
 * foreground with {@code require_secure_transport=ON}, the test certificates, and a row-based binlog
 * with full images for the rollback path. {@code --no-defaults} everywhere, so that nothing of the
 * machine's own MariaDB ({@code /etc/mysql}) leaks in. {@code root} authenticates with a password
 * only, from {@code localhost} and {@code 127.0.0.1}; no other account is left.
 */
final class SecuredMariaDbEngine implements SecuredSqlEngine {

    private static final Duration INIT_LIMIT = Duration.ofSeconds(120);

    @Override
    public SqlDatabase.Kind kind() {
        return SqlDatabase.Kind.MARIADB;
    }

    @Override
    public String adminUser() {
        return "root";
    }

    @Override
    public String adminDatabase() {
        return "";
    }

    @Override
    public void initialise(Path dir, int port, String adminPassword, TestCertificates.Identity server, TestCertificates certs) {
        Path init = dir.resolve("init.sql");
        Path log = dir.resolve("mariadb.log");
        try {
            // The bootstrap server runs without grant tables until FLUSH PRIVILEGES loads them; "normal"
            // made root@localhost, root@127.0.0.1, root@::1 and root@<host name> without a password.
            Files.writeString(init, String.join("\n",
                    "FLUSH PRIVILEGES;",
                    "DELETE FROM mysql.global_priv WHERE User <> 'mariadb.sys' AND NOT (User = 'root' AND Host IN ('localhost', '127.0.0.1'));",
                    "FLUSH PRIVILEGES;",
                    "ALTER USER 'root'@'localhost' IDENTIFIED BY " + literal(adminPassword) + ";",
                    "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY " + literal(adminPassword) + ";",
                    ""), StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults", "--datadir=" + dir.resolve("data"),
                    "--auth-root-authentication-method=normal", "--skip-test-db", "--extra-file=" + init));
            userOption(command);
            int exit = Processes.await(Processes.start(command, log, Map.of()), INIT_LIMIT);
            Files.delete(init);
            if (exit != 0) {
                throw new IllegalStateException("mariadb-install-db failed with exit code " + exit + ". Is Debian's mariadb-server "
                        + "installed (deploy/local/stack.sh prereqs)?\n" + Processes.tail(log, 30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare MariaDB's data directory in " + dir, e);
        }
    }

    @Override
    public List<String> command(Path dir, int port, TestCertificates.Identity server, TestCertificates certs) {
        List<String> command = new ArrayList<>(List.of(mariadbd(), "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--port=" + port, "--bind-address=127.0.0.1", "--skip-name-resolve",
                "--socket=" + dir.resolve("mariadbd.sock"), "--pid-file=" + dir.resolve("mariadbd.pid"),
                "--require-secure-transport=ON",
                "--ssl-cert=" + server.cert(), "--ssl-key=" + server.key(), "--ssl-ca=" + certs.caCert(),
                // The rollback path reads changes from a row-based binlog with full row images (Debezium's MySQL connector).
                "--log-bin=" + dir.resolve("data").resolve("binlog"), "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--server-id=1"));
        userOption(command);
        return command;
    }

    @Override
    public int stop(Process server) {
        // mariadbd shuts down cleanly on SIGTERM.
        return Processes.stop(server, Duration.ofSeconds(60));
    }

    @Override
    public String jdbcUrl(int port, String database, TestCertificates certs, boolean verifyHostName) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database + "?sslMode=" + (verifyHostName ? "VERIFY_IDENTITY" : "VERIFY_CA")
                + "&trustCertificateKeyStoreUrl=file:" + certs.trustStore()
                + "&trustCertificateKeyStoreType=" + TestCertificates.STORE_TYPE
                + "&trustCertificateKeyStorePassword=" + TestCertificates.PASSWORD
                + "&fallbackToSystemTrustStore=false";
    }

    @Override
    public List<String> createDatabase(String name) {
        return List.of("CREATE DATABASE " + identifier(name));
    }

    @Override
    public List<String> createUser(String user, String password) {
        return List.of("CREATE USER " + literal(user) + "@'127.0.0.1' IDENTIFIED BY " + literal(password));
    }

    @Override
    public List<String> grantAll(String database, String user) {
        return List.of("GRANT ALL PRIVILEGES ON " + identifier(database) + ".* TO " + literal(user) + "@'127.0.0.1'");
    }

    private static void userOption(List<String> command) {
        // mariadbd refuses to run as root unless told to; the data then belongs to root, which is the JVM's user.
        if (SecuredSqlEngine.runningAsRoot()) {
            command.add("--user=root");
        }
    }

    private static String mariadbd() {
        return Files.isExecutable(Path.of("/usr/sbin/mariadbd")) ? "/usr/sbin/mariadbd" : "mariadbd";
    }

    private static String identifier(String name) {
        return '`' + name.replace("`", "``") + '`';
    }

    private static String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
