package io.ferry.cli.preflight;

import io.ferry.clients.JdbcConnections;
import io.ferry.clients.JdbcFailures;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.reverse.ReverseCapture;
import io.ferry.reverse.ReverseTarget;
import io.ferry.sink.SqlDialect;
import io.ferry.sink.StatementLimit;
import io.ferry.state.StateSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The database's part of the preflight: it answers as the configured user; that user may do to the
 * sink's table what the part does (statements that touch no row, in a transaction rolled back, so
 * that the server checks the privileges and nothing changes); the rollback path's prerequisites;
 * and, on MySQL and MariaDB, {@code max_allowed_packet} against {@code sink.value.max.bytes}.
 */
final class DatabasePreflight {

    private final FerryConfig config;
    private final Part part;

    DatabasePreflight(FerryConfig config, Part part) {
        this.config = config;
        this.part = part;
    }

    List<Finding> run() {
        List<Finding> out = new ArrayList<>();
        JdbcTarget target = JdbcConnections.sink(config);
        SqlDialect dialect = SqlDialect.of(target.kind());
        String subject = "SQL " + target.identity();
        try (Connection c = JdbcConnections.connect(target, connectTimeout(target.kind()))) {
            DatabaseMetaData meta = c.getMetaData();
            out.add(Finding.ok(subject, meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + " answers as "
                    + target.user().orElse("(no user)")));
            out.add(table(c, dialect, target));
            if (!part.readsSqlOnly()) {
                long packet = dialect.maxStatementBytes(c);
                if (packet > 0) {
                    out.add(packet(packet));
                }
            }
        } catch (SQLException e) {
            out.add(Finding.fail(subject, JdbcFailures.describe(e, target)));
            return out;
        }
        if (part.rollbackPath && target.kind() != JdbcTarget.Kind.SQLITE) {
            out.add(rollbackPath());
        }
        return out;
    }

    /** A server that does not answer is reported in seconds, not waited for (Connector/J waits forever by default). */
    private static Map<String, String> connectTimeout(JdbcTarget.Kind kind) {
        return switch (kind) {
            case POSTGRES -> Map.of("connectTimeout", "10");
            case MYSQL -> Map.of("connectTimeout", "10000");
            case SQLITE -> Map.of();
        };
    }

    private Finding table(Connection c, SqlDialect dialect, JdbcTarget target) throws SQLException {
        String table = config.sink().table();
        String subject = "SQL table " + table;
        String user = target.user().orElse("the connecting user");
        if (!StateSql.exists(c, table)) {
            if (part.readsSqlOnly()) {
                return Finding.warn(subject, "does not exist yet: the sink creates it; reconcile after it has replicated");
            }
            return creatable(c, target, subject, user);
        }
        List<String> statements = new ArrayList<>(List.of("SELECT 1 FROM " + dialect.quote(table) + " WHERE 1 = 0"));
        if (!part.readsSqlOnly()) {
            String t = dialect.quote(table);
            statements.add("INSERT INTO " + t + " SELECT * FROM " + t + " WHERE 1 = 0");
            statements.add("UPDATE " + t + " SET " + dialect.quote("version") + " = " + dialect.quote("version") + " WHERE 1 = 0");
            statements.add("DELETE FROM " + t + " WHERE 1 = 0");
        }
        String rights = part.readsSqlOnly() ? "SELECT" : "SELECT, INSERT, UPDATE and DELETE";
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
            return Finding.ok(subject, user + " may " + rights + " (checked with statements that touch no row)");
        } catch (SQLException e) {
            return Finding.fail(subject, user + " may not " + rights + ": " + e.getMessage() + ". Grant " + rights + " on "
                    + table + " to " + user + " (docs/security.md lists each part's grants)");
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
    }

    /** Where the table is missing, whether the sink could create it. */
    private Finding creatable(Connection c, JdbcTarget target, String subject, String user) throws SQLException {
        switch (target.kind()) {
            case POSTGRES -> {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT current_schema(), has_schema_privilege(current_schema(), 'CREATE')")) {
                    rs.next();
                    return rs.getBoolean(2)
                            ? Finding.ok(subject, "does not exist yet; " + user + " may create it in schema " + rs.getString(1))
                            : Finding.fail(subject, "does not exist, and " + user + " may not create tables in schema "
                            + rs.getString(1) + ": GRANT CREATE ON SCHEMA " + rs.getString(1) + " TO " + user
                            + ", or create the tables as their owner first (docs/security.md)");
                }
            }
            case SQLITE -> {
                Path dir = Path.of(target.identity().substring("sqlite:".length())).toAbsolutePath().getParent();
                return dir != null && Files.isWritable(dir) ? Finding.ok(subject, "does not exist yet; the sink creates it")
                        : Finding.fail(subject, "does not exist, and the directory " + dir + " is not writable");
            }
            default -> {
                return new Finding(Finding.Mark.NOTE, subject, "does not exist yet: the sink creates it, and needs CREATE, "
                        + "ALTER and INDEX on the database, which this check cannot see without creating a table "
                        + "(docs/security.md)");
            }
        }
    }

    private Finding packet(long packet) {
        StatementLimit limit = StatementLimit.ofMaxAllowedPacket(packet);
        long configured = config.sink().valueMaxBytes();
        String subject = "SQL max_allowed_packet";
        String found = packet + " bytes admits rows of up to " + limit.maxRowBytes() + " bytes (Connector/J sends bytes as hex)";
        if (limit.maxRowBytes() < Math.min(configured, StatementLimit.ETCD_DEFAULT_MAX_REQUEST_BYTES)) {
            return Finding.warn(subject, found + ", less than etcd's default request limit: larger values will be bad "
                    + "records. SET GLOBAL max_allowed_packet = " + StatementLimit.packetFor(Math.min(configured,
                    StatementLimit.ETCD_DEFAULT_MAX_REQUEST_BYTES)) + " (and in the server's configuration)");
        }
        return Finding.ok(subject, found + (limit.maxRowBytes() < configured ? "; a row over it is a bad record even under "
                + "sink.value.max.bytes (" + configured + ")" : ""));
    }

    private Finding rollbackPath() {
        String subject = "SQL rollback path";
        try {
            new ReverseCapture(ReverseTarget.of(config), CutoverConfig.of(config).reverseSlot()).check();
            String user = JdbcConnections.rollbackPath(config).user().orElse("its user");
            return Finding.ok(subject, "the database streams its changes and " + user + " may read them");
        } catch (FerryException e) {
            return Finding.fail(subject, e.getMessage());
        }
    }
}
