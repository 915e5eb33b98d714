package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.dialect.SqlDialects;
import io.ferry.state.StateSchema;
import io.ferry.testkit.SqlDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink scenarios on MariaDb. */
class MariaDbSinkIT extends AbstractServerSinkIT {

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.mariadb();

    @Override
    SqlDatabase db() {
        return DB;
    }

    /**
     * MariaDB commits each DDL statement by itself, so a first start cut off mid-migration (the
     * database restarted, the connection dropped) leaves some bookkeeping tables and no version.
     * The next start must finish the migration, not fail on the tables that are already there.
     */
    @Test
    void aMigrationCutOffHalfwayIsFinishedByTheNextStart() throws Exception {
        SqlDialect dialect = SqlDialects.forKind(JdbcTarget.Kind.MYSQL);
        List<String> first = new StateSchema(JdbcTarget.Kind.MYSQL).migrations().get(0);
        try (SqlDatabase fresh = SqlDatabase.mariadb()) {
            fresh.start();
            try (Connection c = fresh.connect(); Statement s = c.createStatement()) {
                s.execute(new StateSchema(JdbcTarget.Kind.MYSQL).createSchemaVersionTable());
                // The first start died after the first three statements of migration 1 (a table, a table, an index).
                for (String ddl : first.subList(0, 3)) {
                    s.execute(ddl);
                }
            }
            try (Connection c = fresh.connect()) {
                c.setAutoCommit(false);
                new SchemaMigrator(dialect).migrate(c, "kv_cut_off");
            }
            assertEquals(new StateSchema(JdbcTarget.Kind.MYSQL).migrations().size(), SinkRows.count(fresh,
                    "SELECT MAX(version) FROM ferry_schema_version WHERE component = 'bookkeeping'"));
            assertEquals(1, SinkRows.count(fresh, "SELECT MAX(version) FROM ferry_schema_version WHERE component = 'table:kv_cut_off'"));
            // Every table of migration 1 exists, including the ones the cut-off start never created.
            assertEquals(0, SinkRows.count(fresh, "SELECT COUNT(*) FROM ferry_meta"));
            assertEquals(0, SinkRows.count(fresh, "SELECT COUNT(*) FROM ferry_sweep"));
        }
    }
}
