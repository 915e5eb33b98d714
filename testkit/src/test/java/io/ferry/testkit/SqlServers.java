package io.ferry.testkit;

import io.ferry.testkit.SqlDatabase.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Finds a server for a kind of database, in order: the environment variables, a Testcontainers
 * container when a Docker engine answers, then the local default port. The answer is kept for the
 * JVM, so one container serves every test class; Testcontainers removes it when the JVM ends.
 */
final class SqlServers {

    private static final Logger LOG = LoggerFactory.getLogger(SqlServers.class);
    private static final Map<Kind, SqlServer> FOUND = new EnumMap<>(Kind.class);
    private static Boolean docker;

    private SqlServers() {
    }

    static synchronized SqlServer resolve(Kind kind) {
        SqlServer known = FOUND.get(kind);
        if (known != null) {
            return known;
        }
        SqlServer server = find(kind, System::getenv, SqlServers::dockerAvailable);
        LOG.info("{} tests use {}", kind, server.origin());
        FOUND.put(kind, server);
        return server;
    }

    /** The search itself, with the environment and the Docker check passed in so that tests can vary them. */
    static SqlServer find(Kind kind, Function<String, String> env, BooleanSupplier docker) {
        List<String> tried = new ArrayList<>();
        SqlServer server = fromEnv(kind, env, tried);
        if (server == null) {
            if (docker.getAsBoolean()) {
                server = fromDocker(kind, tried);
            } else {
                tried.add("Testcontainers: no Docker engine reachable");
            }
        }
        if (server == null) {
            server = local(kind, tried);
        }
        if (server == null) {
            throw new IllegalStateException("No " + kind + " server for the tests. Tried:\n  - " + String.join("\n  - ", tried)
                    + "\nStart the local stack: deploy/local/stack.sh up (or set " + envPrefix(kind) + "_URL)");
        }
        return server;
    }

    private static SqlServer fromEnv(Kind kind, Function<String, String> env, List<String> tried) {
        String prefix = envPrefix(kind);
        String url = env.apply(prefix + "_URL");
        if (url == null || url.isBlank()) {
            tried.add(prefix + "_URL: not set");
            return null;
        }
        String user = env.apply(prefix + "_USER");
        if (user == null || user.isBlank()) {
            user = kind == Kind.POSTGRES ? "postgres" : "root";
        }
        SqlServer server = new SqlServer(kind, url.trim(), user, env.apply(prefix + "_PASSWORD"), prefix + "_URL=" + url, null);
        // Given endpoints are used as they are: if they do not answer, that is the error, not a reason to look elsewhere.
        String problem = answers(server);
        if (problem != null) {
            throw new IllegalStateException(server.origin() + " (user " + user + ") does not answer: " + problem
                    + ". Fix or unset " + prefix + "_URL.");
        }
        return server;
    }

    private static SqlServer fromDocker(Kind kind, List<String> tried) {
        JdbcDatabaseContainer<?> container = switch (kind) {
            case POSTGRES -> new PostgreSQLContainer("postgres:16");
            case MYSQL -> new MySQLContainer("mysql:8.0").withUsername("root").withPassword("ferry");
            case MARIADB -> new MySQLContainer(DockerImageName.parse("mariadb:10.11").asCompatibleSubstituteFor("mysql")).withUsername("root").withPassword("ferry");
            case SQLITE -> throw new IllegalArgumentException("SQLite needs no server");
        };
        try {
            container.start();
        } catch (RuntimeException e) {
            tried.add("Testcontainers " + container.getDockerImageName() + ": " + e.getMessage());
            return null;
        }
        return new SqlServer(kind, container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                "container " + container.getDockerImageName() + " at " + container.getJdbcUrl(), null);
    }

    private static SqlServer local(Kind kind, List<String> tried) {
        SqlServer server = switch (kind) {
            case POSTGRES -> new SqlServer(kind, "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "",
                    "local PostgreSQL at 127.0.0.1:5432", s -> LocalRestarts.postgres(s, 5432));
            case MARIADB -> new SqlServer(kind, "jdbc:mysql://127.0.0.1:3306/", "root", "",
                    "local MariaDB at 127.0.0.1:3306", LocalRestarts::mariadb);
            case MYSQL -> null;
            case SQLITE -> throw new IllegalArgumentException("SQLite needs no server");
        };
        if (server == null) {
            tried.add("local MySQL 8: this machine's 3306 is MariaDB; a real MySQL 8 needs Docker or FERRY_TEST_MYSQL_URL");
            return null;
        }
        String problem = answers(server);
        if (problem != null) {
            tried.add(server.origin() + " (user " + server.user() + "): " + problem);
            return null;
        }
        return server;
    }

    private static String answers(SqlServer server) {
        try (Connection c = server.connectAdmin()) {
            return c.isValid(5) ? null : "the connection is not valid";
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    private static boolean dockerAvailable() {
        if (docker == null) {
            // Asking Testcontainers without any hint of Docker costs seconds and logs errors; skip it when no hint exists.
            boolean hint = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"))
                    || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"))
                    || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
            docker = hint && isDockerAvailable();
        }
        return docker;
    }

    private static boolean isDockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Docker check failed", e);
            return false;
        }
    }

    static String envPrefix(Kind kind) {
        return kind == Kind.POSTGRES ? "FERRY_TEST_PG" : "FERRY_TEST_MYSQL";
    }
}
