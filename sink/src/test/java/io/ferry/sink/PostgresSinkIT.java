package io.ferry.sink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.dialect.SqlDialects;
import io.ferry.state.StateSchema;
import io.ferry.testkit.SqlDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink scenarios on Postgres. */
class PostgresSinkIT extends AbstractServerSinkIT {

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.postgres();

    @Override
    SqlDatabase db() {
        return DB;
    }

    /**
     * sink.table may be a view. COPY cannot write to one, so the sink must notice the first failed
     * load, turn loading off, and upsert through the view with the same guard.
     */
    @Test
    void aViewAsTheTableIsUpsertedSinceCopyCannotLoadIt() throws Exception {
        String view = names("view").table();
        try (Connection c = DB.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + view + "_base (\"key\" bytea NOT NULL PRIMARY KEY, \"value\" bytea NOT NULL, "
                    + "create_revision bigint NOT NULL, mod_revision bigint NOT NULL, version bigint NOT NULL, "
                    + "lease bigint NOT NULL)");
            s.execute("CREATE VIEW " + view + " AS SELECT * FROM " + view + "_base");
        }
        new BulkWriteCheck(DB, view, false).run();
    }

    /**
     * Two sinks of one group starting at once on a new database. PostgreSQL's CREATE TABLE IF NOT
     * EXISTS does not see another session's table before that session commits: it waits for it on the
     * catalog's unique index and then fails (SQLState 23505 on {@code pg_type_typname_nsp_index})
     * instead of finding the table there. The cluster fault-injection run saw a sink exit with code 2
     * on it when both PostgreSQL sinks first started (seed 1805243767). Here the first start's
     * uncommitted create is held open until the second one waits for it.
     */
    @Test
    void twoSinksCreatingTheTablesOfANewDatabaseAtOnceBothStart() throws Exception {
        SqlDialect dialect = SqlDialects.forKind(JdbcTarget.Kind.POSTGRES);
        try (SqlDatabase fresh = SqlDatabase.postgres()) {
            fresh.start();
            try (Connection first = fresh.connect(); Connection second = fresh.connect(); Connection observer = fresh.connect()) {
                first.setAutoCommit(false);
                second.setAutoCommit(false);
                try (Statement s = first.createStatement()) {
                    s.execute(new StateSchema(JdbcTarget.Kind.POSTGRES).createSchemaVersionTable());
                }
                long secondPid = single(second, "SELECT pg_backend_pid()");
                second.commit();
                CompletableFuture<Void> migration = CompletableFuture.runAsync(() -> {
                    try {
                        new SchemaMigrator(dialect).migrate(second, "kv_race");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                await("the second start to wait for the first one's create").atMost(Duration.ofSeconds(30))
                        .until(() -> single(observer, "SELECT COUNT(*) FROM pg_locks WHERE NOT granted AND pid = " + secondPid) > 0);
                first.commit();
                migration.get(60, TimeUnit.SECONDS);
            }
            assertEquals(new StateSchema(JdbcTarget.Kind.POSTGRES).migrations().size(), SinkRows.count(fresh,
                    "SELECT MAX(version) FROM ferry_schema_version WHERE component = 'bookkeeping'"));
            assertEquals(dialect.tableMigrations("kv_race").size(), SinkRows.count(fresh,
                    "SELECT MAX(version) FROM ferry_schema_version WHERE component = 'table:kv_race'"));
        }
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
