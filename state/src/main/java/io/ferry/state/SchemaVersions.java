package io.ferry.state;

import io.ferry.core.FerryException;
import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs versioned migrations and records each in {@code ferry_schema_version}, one sequence per
 * component ({@link StateSchema#COMPONENT} for Ferry's own tables, one per table the sink
 * writes). A database at an older version is brought forward; one at a newer version is refused
 * rather than written in a schema this Ferry does not understand. Several sinks may start at once:
 * each step tolerates another having done it first.
 */
public final class SchemaVersions {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaVersions.class);

    private final StateSql sql;
    private final StateSchema schema;
    private final Predicate<SQLException> alreadyApplied;

    /**
     * @param alreadyApplied true when a DDL statement failed because what it creates is already there;
     *     only where DDL commits by itself (MySQL), elsewhere always false
     */
    public SchemaVersions(JdbcTarget.Kind kind, Predicate<SQLException> alreadyApplied) {
        this.sql = new StateSql(kind);
        this.schema = new StateSchema(kind);
        this.alreadyApplied = alreadyApplied;
    }

    /** Creates the version table and brings Ferry's own tables to this Ferry's version. */
    public void migrateState(Connection c) throws SQLException {
        createVersionTable(c);
        apply(c, StateSchema.COMPONENT, schema.migrations());
    }

    /**
     * Another sink starting at the same time on a new database may create the table first. PostgreSQL's
     * CREATE TABLE IF NOT EXISTS does not see it before that session commits: it waits for it and then
     * fails on its catalog's unique index (SQLState 23505). By then the table is there, so once more
     * finds it.
     */
    private void createVersionTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(schema.createSchemaVersionTable());
            c.commit();
        } catch (SQLException e) {
            try {
                c.rollback();
                try (Statement s = c.createStatement()) {
                    s.execute(schema.createSchemaVersionTable());
                    c.commit();
                }
            } catch (SQLException again) {
                // Not that race (no rights, a lost connection): the first failure says what went wrong.
                e.addSuppressed(again);
                throw e;
            }
            LOG.info("Another sink created {} at the same time ({})", StateTables.SCHEMA_VERSION, e.getMessage());
        }
    }

    /** Applies the migrations of {@code component} after its recorded version, each in its own transaction. */
    public void apply(Connection c, String component, List<List<String>> migrations) throws SQLException {
        int current = version(c, component);
        if (current > migrations.size()) {
            throw new FerryException("the " + component + " schema is at version " + current + " but this ferry knows only "
                    + migrations.size() + ": a newer ferry wrote it. Run that version, or a newer one.");
        }
        for (int v = current + 1; v <= migrations.size(); v++) {
            try (Statement s = c.createStatement()) {
                for (String ddl : migrations.get(v - 1)) {
                    execute(s, component, v, ddl);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + sql.quote(StateTables.SCHEMA_VERSION)
                        + " VALUES (?, ?, ?)")) {
                    ps.setString(1, component);
                    ps.setInt(2, v);
                    ps.setLong(3, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                c.commit();
                LOG.info("Migrated the {} schema to version {}", component, v);
            } catch (SQLException e) {
                c.rollback();
                // Another sink starting at the same time may have applied it first.
                if (version(c, component) >= v) {
                    continue;
                }
                throw e;
            }
        }
    }

    /**
     * Where DDL commits by itself (MySQL), a migration cut off halfway (the database restarted, the
     * connection dropped) leaves part of it applied and no version recorded; its next run finds
     * those parts there and goes on with the rest.
     */
    private void execute(Statement s, String component, int version, String ddl) throws SQLException {
        try {
            s.execute(ddl);
        } catch (SQLException e) {
            if (!alreadyApplied.test(e)) {
                throw e;
            }
            LOG.info("The {} schema's version {} was applied in part by an earlier start; already there: {}", component,
                    version, e.getMessage());
        }
    }

    private int version(Connection c, String component) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + sql.quote("version") + ") FROM "
                + sql.quote(StateTables.SCHEMA_VERSION) + " WHERE " + sql.quote("component") + " = ?")) {
            ps.setString(1, component);
            try (ResultSet rs = ps.executeQuery()) {
                int v = rs.next() ? rs.getInt(1) : 0;
                c.commit();
                return v;
            }
        }
    }
}
