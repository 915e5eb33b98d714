package io.ferry.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts of the PostgreSQL and MariaDB servers of this machine, done the way the machine runs
 * them (Debian's pg_ctlcluster; mariadbd under start-stop-daemon), for failure tests.
 */
final class LocalRestarts {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRestarts.class);
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String MARIADBD = "/usr/sbin/mariadbd";

    private LocalRestarts() {
    }

    /** pg_ctlcluster restart of the cluster that listens on {@code port}. */
    static void postgres(SqlServer server, int port) {
        String[] cluster = pgCluster(port);
        run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", "--mode=fast", cluster[0], cluster[1], "restart"));
        awaitAnswer(server);
    }

    /** SHUTDOWN through SQL, wait for mariadbd to exit, start it again as the machine does. */
    static void mariadb(SqlServer server) {
        try (Connection c = server.connectAdmin(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (Exception e) {
            // The server may drop the connection while shutting down, which is the expected outcome.
            LOG.debug("SHUTDOWN ended with {}", e.toString());
        }
        Awaitility.await("mariadbd to exit").atMost(LIMIT).pollInterval(Duration.ofMillis(200))
                .until(() -> exitCode(List.of("start-stop-daemon", "--status", "--exec", MARIADBD)) != 0);
        run(List.of("start-stop-daemon", "--start", "--oknodo", "--background", "--exec", MARIADBD));
        awaitAnswer(server);
    }

    private static String[] pgCluster(int port) {
        String out = output(List.of("pg_lsclusters", "--no-header"));
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[2].equals(Integer.toString(port))) {
                return new String[] {f[0], f[1]};
            }
        }
        throw new IllegalStateException("No PostgreSQL cluster listens on port " + port + " according to pg_lsclusters:\n" + out);
    }

    private static void awaitAnswer(SqlServer server) {
        Awaitility.await(server.origin() + " to answer again").atMost(LIMIT).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> {
                    try (Connection c = server.connectAdmin()) {
                        return c.isValid(2);
                    }
                });
        LOG.info("{} restarted and answers again", server.origin());
    }

    private static void run(List<String> command) {
        String out = output(command);
        LOG.debug("{}: {}", command, out);
    }

    private static int exitCode(List<String> command) {
        Path log = TempDirs.create("ferry-cmd-").resolve("out.log");
        try {
            return Processes.await(Processes.start(command, log, Map.of()), LIMIT);
        } finally {
            TempDirs.delete(log.getParent());
        }
    }

    private static String output(List<String> command) {
        Path log = TempDirs.create("ferry-cmd-").resolve("out.log");
        try {
            int exit = Processes.await(Processes.start(command, log, Map.of()), LIMIT);
            String out = Files.exists(log) ? Files.readString(log) : "";
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + exit + ": " + out.strip()
                        + ". Restarting a local server needs root (or the server's owner).");
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Could not read the output of " + command, e);
        } finally {
            TempDirs.delete(log.getParent());
        }
    }
}
