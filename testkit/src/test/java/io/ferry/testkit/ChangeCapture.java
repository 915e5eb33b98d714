package io.ferry.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure a server can stream its changes, as the rollback path needs: wal_level=logical on
 * PostgreSQL, a row-based binlog with full images on MariaDB. Both settings take effect only at a
 * server start, so when they are missing this runs the local stack's own {@code stack.sh prereqs},
 * which sets them and restarts the server once; the same script prepares a fresh machine for
 * {@code bin/test}, so the two can never disagree.
 */
final class ChangeCapture {

    private static volatile boolean checked;

    private ChangeCapture() {
    }

    static void ensure(SqlServer server, SqlDatabase.Kind kind) {
        if (checked || kind == SqlDatabase.Kind.SQLITE || kind == SqlDatabase.Kind.MYSQL) {
            return; // MySQL 8 runs with a row-based binlog by default
        }
        synchronized (ChangeCapture.class) {
            if (checked) {
                return;
            }
            if (!enabled(server, kind)) {
                runPrereqs();
                if (!enabled(server, kind)) {
                    throw new IllegalStateException(server.origin() + " cannot stream its changes (" + (kind == SqlDatabase.Kind.POSTGRES
                            ? "wal_level is not logical" : "no row-based binlog") + ") even after deploy/local/stack.sh prereqs;"
                            + " configure it by hand (see docs/runbook.md, the bake period)");
                }
            }
            checked = true;
        }
    }

    private static boolean enabled(SqlServer server, SqlDatabase.Kind kind) {
        String query = kind == SqlDatabase.Kind.POSTGRES ? "SELECT current_setting('wal_level') = 'logical'"
                : "SELECT @@log_bin = 1 AND @@binlog_format = 'ROW' AND @@binlog_row_image = 'FULL'";
        try (Connection c = server.connectAdmin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            return rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the change-capture settings of " + server.origin() + ": "
                    + e.getMessage(), e);
        }
    }

    private static void runPrereqs() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("deploy/local/stack.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("deploy/local/stack.sh not found above " + Path.of("").toAbsolutePath()
                    + "; run it by hand: deploy/local/stack.sh prereqs");
        }
        try {
            Process p = new ProcessBuilder("bash", dir.resolve("deploy/local/stack.sh").toString(), "prereqs")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("deploy/local/stack.sh prereqs failed; run it by hand to see why");
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run deploy/local/stack.sh prereqs: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running deploy/local/stack.sh prereqs", e);
        }
    }
}
