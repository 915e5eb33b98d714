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
