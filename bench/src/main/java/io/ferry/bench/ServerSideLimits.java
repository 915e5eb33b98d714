package io.ferry.bench;

import io.ferry.testkit.SqlDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database's own limits for the rows the sink wrote, measured inside the server so that no
 * client, network or driver is involved: {@code INSERT ... SELECT} of every row of the sink's table
 * into an empty copy with the same primary key (the insert limit), then an
 * {@code INSERT ... SELECT ... ON CONFLICT DO UPDATE} (MySQL: {@code ON DUPLICATE KEY UPDATE}) that
 * rewrites every one of those rows at a newer revision, guarded the way the sink guards (the
 * upsert limit).
 */
final class ServerSideLimits {

    /** Rows per second of each. */
    record Rates(long rows, double insertRowsPerSecond, double upsertRowsPerSecond) {
    }

    private static final String COPY = "bench_limit_copy";

    private ServerSideLimits() {
    }

    static Rates measure(SqlDatabase db, String table) throws SQLException {
        boolean mysql = db.kind() == SqlDatabase.Kind.MARIADB || db.kind() == SqlDatabase.Kind.MYSQL;
        String q = mysql ? "`" : "\"";
        String key = q + "key" + q;
        String value = q + "value" + q;
        String cols = key + ", " + value + ", create_revision, mod_revision, version, lease";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("DROP TABLE IF EXISTS " + COPY);
            if (db.kind() == SqlDatabase.Kind.SQLITE) {
                s.execute("CREATE TABLE " + COPY + " AS SELECT * FROM " + table + " WHERE 1 = 0");
                s.execute("CREATE UNIQUE INDEX " + COPY + "_key ON " + COPY + " (" + key + ")");
            } else {
                s.execute("CREATE TABLE " + COPY + " AS SELECT * FROM " + table + " WHERE 1 = 0");
                s.execute("ALTER TABLE " + COPY + " ADD PRIMARY KEY (" + key + ")");
            }
            long t0 = System.nanoTime();
            long rows = s.executeUpdate("INSERT INTO " + COPY + " (" + cols + ") SELECT " + cols + " FROM " + table);
            double insertSeconds = (System.nanoTime() - t0) / 1e9;
            String newer = key + ", " + value + ", create_revision, mod_revision + 1, version, lease";
            String upsert = mysql
                    ? "INSERT INTO " + COPY + " (" + cols + ") SELECT " + newer + " FROM " + table + " e"
                    + " ON DUPLICATE KEY UPDATE " + value + " = IF(VALUES(mod_revision) > " + COPY + ".mod_revision, VALUES("
                    + value + "), " + COPY + "." + value + "), mod_revision = IF(VALUES(mod_revision) > " + COPY
                    + ".mod_revision, VALUES(mod_revision), " + COPY + ".mod_revision)"
                    : "INSERT INTO " + COPY + " (" + cols + ") SELECT " + newer + " FROM " + table + " WHERE true"
                    + " ON CONFLICT (" + key + ") DO UPDATE SET " + value + " = excluded." + value
                    + ", mod_revision = excluded.mod_revision WHERE " + COPY + ".mod_revision < excluded.mod_revision";
            long t1 = System.nanoTime();
            s.executeUpdate(upsert);
            double upsertSeconds = (System.nanoTime() - t1) / 1e9;
            s.execute("DROP TABLE " + COPY);
            return new Rates(rows, rows / insertSeconds, rows / upsertSeconds);
        }
    }

    /**
     * Seconds the server takes to store every row of {@code table} again: {@code INSERT ... SELECT *}
     * into an empty copy with the same columns, keys and constraints. What any writer of those rows
     * pays at least.
     */
    static double storageSeconds(SqlDatabase db, String table) throws SQLException {
        String copy = COPY + "_store";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("DROP TABLE IF EXISTS " + copy);
            switch (db.kind()) {
                case POSTGRES -> s.execute("CREATE TABLE " + copy + " (LIKE " + table + " INCLUDING ALL)");
                case SQLITE -> {
                    String create;
                    try (var rs = s.executeQuery("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'")) {
                        rs.next();
                        create = rs.getString(1);
                    }
                    s.execute(create.replaceFirst("(?i)(CREATE TABLE( IF NOT EXISTS)? )\\W?" + table + "\\W?", "CREATE TABLE " + copy));
                }
                default -> s.execute("CREATE TABLE " + copy + " LIKE " + table);
            }
            long t0 = System.nanoTime();
            s.executeUpdate("INSERT INTO " + copy + " SELECT * FROM " + table);
            double seconds = (System.nanoTime() - t0) / 1e9;
            s.execute("DROP TABLE " + copy);
            return seconds;
        }
    }
}
