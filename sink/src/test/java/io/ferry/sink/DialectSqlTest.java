package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.dialect.SqlDialects;
import org.junit.jupiter.api.Test;

class DialectSqlTest {

    private final SqlDialect pg = SqlDialects.forKind(JdbcTarget.Kind.POSTGRES);
    private final SqlDialect my = SqlDialects.forKind(JdbcTarget.Kind.MYSQL);
    private final SqlDialect lite = SqlDialects.forKind(JdbcTarget.Kind.SQLITE);

    @Test
    void postgresUpsertMatchesThePrimaryKeyAndIsGuardedByRevisionAndTombstones() {
        String sql = pg.guardedUpsert("etcd_kv", false);
        assertTrue(sql.contains("ON CONFLICT (\"key\") DO UPDATE"), sql);
        assertTrue(sql.endsWith("WHERE t.\"mod_revision\" < EXCLUDED.\"mod_revision\""), sql);
        assertTrue(sql.contains("NOT EXISTS (SELECT 1 FROM \"ferry_tombstones\""), sql);
        assertTrue(pg.guardedUpsert("etcd_kv", true).endsWith("<= EXCLUDED.\"mod_revision\""));
        assertEquals("true", pg.driverProperties().get("reWriteBatchedInserts"));
    }

    @Test
    void mysqlAssignsModRevisionLastSoEveryColumnComparesWithTheOldOne() {
        String sql = my.guardedUpsert("etcd_kv", false);
        assertTrue(sql.contains("ON DUPLICATE KEY UPDATE"), sql);
        String update = sql.substring(sql.indexOf("ON DUPLICATE KEY UPDATE"));
        assertTrue(update.lastIndexOf("`mod_revision` = IF(") > update.lastIndexOf("`value` = IF("), update);
        assertTrue(update.lastIndexOf("`mod_revision` = IF(") > update.lastIndexOf("`lease` = IF("), update);
        assertTrue(update.contains("IF(VALUES(`mod_revision`) > `mod_revision`"), update);
        assertEquals(3072, my.maxKeyBytes());
        assertTrue(my.tableMigrations("etcd_kv").get(0).get(0).contains("`key` VARBINARY(3072) NOT NULL PRIMARY KEY"));
        assertEquals("true", my.driverProperties().get("rewriteBatchedStatements"));
    }

    @Test
    void sqliteUpsertKeepsAWhereBeforeOnConflictAndRunsInWalMode() {
        String sql = lite.guardedUpsert("etcd_kv", false);
        assertTrue(sql.contains("WHERE NOT EXISTS"), sql);
        assertTrue(sql.contains("ON CONFLICT (\"key\") DO UPDATE"), sql);
        assertTrue(sql.endsWith("WHERE \"mod_revision\" < excluded.\"mod_revision\""), sql);
        assertEquals("WAL", lite.driverProperties().get("journal_mode"));
    }

    @Test
    void mysqlStagesABatchAndAppliesItWithTheSameGuardQualifiedByTable() {
        SqlDialect.Staging st = my.staging("app.kv", SqlDialect.ROW_COLUMNS, false);
        assertEquals("CREATE TEMPORARY TABLE `app`.`ferry_stage_kv` LIKE `app`.`kv`", st.create());
        assertEquals("DROP TEMPORARY TABLE IF EXISTS `app`.`ferry_stage_kv`", st.clear());
        assertEquals("INSERT INTO `app`.`ferry_stage_kv` (`key`, `value`, `create_revision`, `mod_revision`, `version`, "
                + "`lease`) VALUES (?, ?, ?, ?, ?, ?)", st.load());
        String tomb = "EXISTS (SELECT 1 FROM `ferry_tombstones` d WHERE d.`key` = s.`key` AND d.`revision` >= s.`mod_revision`)";
        assertTrue(st.staleCount().contains(tomb + " OR EXISTS"), st.staleCount());
        assertTrue(st.staleCount().endsWith("t.`mod_revision` >= s.`mod_revision`)"), st.staleCount());
        String upsert = st.upsert();
        assertTrue(upsert.startsWith("INSERT INTO `app`.`kv` (`key`, "), upsert);
        assertTrue(upsert.contains("SELECT s.`key`, s.`value`, s.`create_revision`, s.`mod_revision`, s.`version`, s.`lease` "
                + "FROM `app`.`ferry_stage_kv` s WHERE NOT " + tomb + " ON DUPLICATE KEY UPDATE "), upsert);
        assertTrue(upsert.contains("`app`.`kv`.`value` = IF(VALUES(`mod_revision`) > `app`.`kv`.`mod_revision`, "
                + "VALUES(`value`), `app`.`kv`.`value`)"), upsert);
        assertTrue(upsert.endsWith("`app`.`kv`.`mod_revision` = IF(VALUES(`mod_revision`) > `app`.`kv`.`mod_revision`, "
                + "VALUES(`mod_revision`), `app`.`kv`.`mod_revision`)"), upsert);
        SqlDialect.Staging repair = my.staging("kv", SqlDialect.ROW_COLUMNS, true);
        assertTrue(repair.staleCount().endsWith("t.`mod_revision` > s.`mod_revision`)"), repair.staleCount());
        assertTrue(repair.upsert().contains("IF(VALUES(`mod_revision`) >= `kv`.`mod_revision`"), repair.upsert());
        assertEquals(null, my.valuesUpsert("kv", SqlDialect.ROW_COLUMNS, SqlDialect.ROW_COLUMNS, 2, false));
        String longName = "t".repeat(60);
        assertTrue(my.staging(longName, SqlDialect.ROW_COLUMNS, false).create().length() < 64 + 64 + 50);
    }

    @Test
    void sqliteWritesAChunkAsOneValuesListWithTheGuard() {
        java.util.List<String> cols = java.util.List.of("key", "mod_revision", "doc");
        String sql = lite.valuesUpsert("m", cols, java.util.List.of("?", "?", "?"), 3, false);
        assertEquals("WITH s (\"key\", \"mod_revision\", \"doc\") AS (VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)) "
                + "INSERT INTO \"m\" (\"key\", \"mod_revision\", \"doc\") SELECT s.\"key\", s.\"mod_revision\", s.\"doc\" "
                + "FROM s WHERE NOT EXISTS (SELECT 1 FROM \"ferry_tombstones\" d WHERE d.\"key\" = s.\"key\" AND "
                + "d.\"revision\" >= s.\"mod_revision\") ON CONFLICT (\"key\") DO UPDATE SET \"mod_revision\" = "
                + "excluded.\"mod_revision\", \"doc\" = excluded.\"doc\" WHERE \"mod_revision\" < excluded.\"mod_revision\"",
                sql);
        assertTrue(lite.valuesUpsert("m", cols, cols, 1, true).endsWith("WHERE \"mod_revision\" <= excluded.\"mod_revision\""));
        assertEquals(null, lite.staging("m", cols, false));
        assertEquals(null, pg.staging("m", cols, false));
        assertEquals(null, pg.valuesUpsert("m", cols, cols, 2, false));
    }

    @Test
    void schemaQualifiedTablesAreQuotedPartByPart() {
        assertEquals("\"app\".\"kv\"", pg.quote("app.kv"));
        assertEquals("`app`.`kv`", my.quote("app.kv"));
    }

    @Test
    void transientFailuresAreTellingApartFromFatalOnes() {
        Retrier retrier = new Retrier(pg, 3, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1),
                new java.util.concurrent.CountDownLatch(1));
        assertTrue(retrier.isTransient(new RuntimeException(new java.sql.SQLException("gone", "08006"))));
        assertTrue(retrier.isTransient(new java.sql.SQLException("admin shutdown", "57P01")));
        assertTrue(!retrier.isTransient(new java.sql.SQLException("duplicate", "23505")));
        Retrier mysql = new Retrier(my, 3, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1),
                new java.util.concurrent.CountDownLatch(1));
        assertTrue(mysql.isTransient(new java.sql.SQLException("Deadlock found", "40001", 1213)));
        assertTrue(mysql.isTransient(new java.sql.SQLException("Lock wait timeout", "HY000", 1205)));
    }
}
