package io.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * PostgreSQL from Debian's binaries ({@code /usr/lib/postgresql/<version>/bin}): {@code initdb} with
 * a SCRAM password for {@code postgres}, then {@code postgres -D} in the foreground with
 * {@code ssl=on}, no Unix socket, and a {@code pg_hba.conf} that admits only {@code hostssl}
 * connections from loopback with {@code scram-sha-256}. PostgreSQL refuses to run as root, so when
 * the test JVM is root both run as the {@code postgres} user (through {@code setpriv}, which execs,
 * so the process the testkit holds is the postmaster itself) and the directory is handed to it.
 */
final class SecuredPostgresEngine implements SecuredSqlEngine {

    private static final String SERVICE_USER = "postgres";
    private static final Duration INIT_LIMIT = Duration.ofSeconds(120);

    @Override
    public SqlDatabase.Kind kind() {
        return SqlDatabase.Kind.POSTGRES;
    }

    @Override
    public String adminUser() {
        return "postgres";
    }

    @Override
    public String adminDatabase() {
        return "postgres";
    }

    @Override
    public void initialise(Path dir, int port, String adminPassword, TestCertificates.Identity server, TestCertificates certs) {
        Path tls = dir.resolve("tls");
        Path pwFile = dir.resolve("admin.pw");
        try {
            Files.createDirectories(tls);
            Files.copy(server.cert(), tls.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(server.key(), tls.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
            // PostgreSQL refuses a key that others can read.
            Files.setPosixFilePermissions(tls.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
            Files.copy(certs.caCert(), tls.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(pwFile, adminPassword + "\n", StandardCharsets.UTF_8);
            handOver(dir);
            run(dir, List.of(binary("initdb"), "-D", dir.resolve("data").toString(), "-U", adminUser(), "--pwfile=" + pwFile,
                    "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale", "--no-sync"));
            Files.delete(pwFile);
            Path data = dir.resolve("data");
            Files.writeString(data.resolve("pg_hba.conf"), """
                    # Written by io.ferry.testkit.SecuredPostgresEngine: TLS and a SCRAM password, or nothing.
                    # TYPE  DATABASE  USER  ADDRESS       METHOD
                    hostssl all       all   127.0.0.1/32  scram-sha-256
                    """, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            Files.writeString(data.resolve("postgresql.conf"), String.join("\n",
                    "",
                    "# Written by io.ferry.testkit.SecuredPostgresEngine",
                    "listen_addresses = '127.0.0.1'",
                    "port = " + port,
                    "unix_socket_directories = ''",
                    "password_encryption = 'scram-sha-256'",
                    "ssl = on",
                    "ssl_cert_file = '" + tls.resolve("server.crt") + "'",
                    "ssl_key_file = '" + tls.resolve("server.key") + "'",
                    "ssl_ca_file = '" + tls.resolve("ca.crt") + "'",
                    "# The rollback path reads changes by logical decoding (Debezium's pgoutput).",
                    "wal_level = logical",
                    "max_wal_senders = 10",
                    "max_replication_slots = 10",
                    ""), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare PostgreSQL's data directory in " + dir, e);
        }
    }

    @Override
    public List<String> command(Path dir, int port, TestCertificates.Identity server, TestCertificates certs) {
        return asServiceUser(List.of(binary("postgres"), "-D", dir.resolve("data").toString()));
    }

    @Override
    public int stop(Process server) {
        // SIGTERM would be a "smart" shutdown that waits for every client to leave; SIGINT is the fast one.
        Process signal = Processes.start(List.of("kill", "-INT", Long.toString(server.pid())),
                Path.of("/dev/null"), Map.of());
        Processes.await(signal, Duration.ofSeconds(10));
        try {
            return Processes.await(server, Duration.ofSeconds(60));
        } catch (IllegalStateException e) {
            return Processes.kill(server);
        }
    }

    @Override
    public String jdbcUrl(int port, String database, TestCertificates certs, boolean verifyHostName) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?sslmode=" + (verifyHostName ? "verify-full" : "verify-ca")
                + "&sslrootcert=" + certs.caCert();
    }

    @Override
    public List<String> createDatabase(String name) {
        return List.of("CREATE DATABASE " + identifier(name));
    }

    @Override
    public List<String> createUser(String user, String password) {
        return List.of("CREATE ROLE " + identifier(user) + " LOGIN PASSWORD " + literal(password));
    }

    @Override
    public List<String> grantAll(String database, String user) {
        // The owner of a database owns its public schema too (pg_database_owner, PostgreSQL 15+).
        return List.of("ALTER DATABASE " + identifier(database) + " OWNER TO " + identifier(user));
    }

    private static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static List<String> asServiceUser(List<String> command) {
        if (!SecuredSqlEngine.runningAsRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + SERVICE_USER, "--regid=" + SERVICE_USER,
                "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Gives the whole directory to the postgres user when the JVM is root; PostgreSQL refuses files it does not own. */
    private static void handOver(Path dir) throws IOException {
        if (!SecuredSqlEngine.runningAsRoot()) {
            return;
        }
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user;
        GroupPrincipal group;
        try {
            user = users.lookupPrincipalByName(SERVICE_USER);
            group = users.lookupPrincipalByGroupName(SERVICE_USER);
        } catch (IOException e) {
            throw new IllegalStateException("The test JVM runs as root, and PostgreSQL must not; but there is no user "
                    + SERVICE_USER + " to run it as. Install Debian's postgresql package, which creates it.", e);
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(user);
                view.setGroup(group);
            }
        }
    }

    private static void run(Path dir, List<String> command) {
        Path log = dir.resolve("postgres.log");
        int exit = Processes.await(Processes.start(asServiceUser(command), log, Map.of()), INIT_LIMIT);
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + exit + ".\n"
                    + Processes.tail(log, 30));
        }
    }

    private static String binary(String name) {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                Path found = versions.filter(v -> Files.isExecutable(v.resolve("bin").resolve(name)))
                        .max(Comparator.comparingInt(SecuredPostgresEngine::major)).orElse(null);
                if (found != null) {
                    return found.resolve("bin").resolve(name).toString();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not list " + root, e);
            }
        }
        throw new IllegalStateException(name + " not found under " + root + "/<version>/bin. Install Debian's postgresql "
                + "package (deploy/local/stack.sh prereqs does).");
    }

    private static int major(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
