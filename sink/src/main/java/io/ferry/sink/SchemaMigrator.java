package io.ferry.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and migrates the sink's tables with versioned migrations recorded in
 * {@code ferry_schema_version}, one sequence for the bookkeeping tables and one per generic
 * table. A sink started against an older schema brings it forward; one started against a newer
 * schema refuses to run rather than write into tables it does not understand.
 */
final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    static final String BOOKKEEPING = "bookkeeping";

    private final SqlDialect dialect;

    SchemaMigrator(SqlDialect dialect) {
        this.dialect = dialect;
    }

    void migrate(Connection c, String table) throws SQLException {
        migrate(c, table, List.of());
    }

    void migrate(Connection c, String table, List<TableMapping> mappings) throws SQLException {
        createSchemaVersionTable(c);
        apply(c, BOOKKEEPING, dialect.bookkeepingMigrations());
        apply(c, "table:" + table, dialect.tableMigrations(table));
        for (TableMapping m : mappings) {
            java.util.Map<String, String> types = new java.util.LinkedHashMap<>();
            m.columns().forEach(col -> types.put(col.name(), dialect.columnType(col.type())));
            if (m.json()) {
                types.put(TableMapping.DOC, dialect.columnType(ColumnType.JSON));
            }
            apply(c, "mapped:" + m.table(), dialect.mappedTableMigrations(m.table(), types));
        }
    }

    /**
     * Another sink starting at the same time on a new database may create the table first. PostgreSQL's
     * CREATE TABLE IF NOT EXISTS does not see it before that session commits: it waits for it and then
     * fails on its catalog's unique index (SQLState 23505). By then the table is there, so once more
     * finds it.
     */
    private void createSchemaVersionTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(dialect.createSchemaVersionTable());
            c.commit();
        } catch (SQLException e) {
            try {
                c.rollback();
                try (Statement s = c.createStatement()) {
                    s.execute(dialect.createSchemaVersionTable());
                    c.commit();
                }
            } catch (SQLException again) {
                // Not that race (no rights, a lost connection): the first failure says what went wrong.
                e.addSuppressed(again);
                throw e;
            }
            LOG.info("Another sink created {} at the same time ({})", SqlDialect.SCHEMA_VERSION, e.getMessage());
        }
    }

    private void apply(Connection c, String component, List<List<String>> migrations) throws SQLException {
        int current = version(c, component);
        if (current > migrations.size()) {
            throw new SinkException("the " + component + " schema is at version " + current + " but this ferry knows only "
                    + migrations.size() + ": a newer ferry wrote it. Run that version, or a newer one.");
        }
        for (int v = current + 1; v <= migrations.size(); v++) {
            try (Statement s = c.createStatement()) {
                for (String ddl : migrations.get(v - 1)) {
                    execute(s, component, v, ddl);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + dialect.quote(SqlDialect.SCHEMA_VERSION)
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
            if (!dialect.alreadyApplied(e)) {
                throw e;
            }
            LOG.info("The {} schema's version {} was applied in part by an earlier start; already there: {}", component,
                    version, e.getMessage());
        }
    }

    private int version(Connection c, String component) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + dialect.quote("version") + ") FROM "
                + dialect.quote(SqlDialect.SCHEMA_VERSION) + " WHERE " + dialect.quote("component") + " = ?")) {
            ps.setString(1, component);
            try (ResultSet rs = ps.executeQuery()) {
                int v = rs.next() ? rs.getInt(1) : 0;
                c.commit();
                return v;
            }
        }
    }
}
