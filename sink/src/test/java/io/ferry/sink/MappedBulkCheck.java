package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same mapped rows written twice, into two tables of one mapping shape: once through the
 * dialect's bulk load of new keys ({@link NewRowsFirst}, binary COPY on PostgreSQL) and once
 * through the guarded upsert. Every column type is covered, with NULLs, missing fields, non-ASCII
 * text, negative and fractional numbers, instants before 1970 and with nanoseconds, and nested JSON;
 * both tables must read back cell for cell the same. A second round updates some keys and adds
 * others, so the load meets stored keys and falls back to the upsert, and the tables must still
 * agree.
 */
final class MappedBulkCheck {

    private static final int KEYS = 300;
    private static final String PREFIX = "/mapped-bulk/";

    private final SqlDatabase db;
    private final SqlDialect dialect;
    private final String table;

    MappedBulkCheck(SqlDatabase db, String table) {
        this.db = db;
        this.table = table;
        this.dialect = SinkRows.dialect(db);
    }

    void run() throws Exception {
        TableMapping loaded = mapping(table + "_loaded");
        TableMapping upserted = mapping(table + "_upserted");
        NewRowsFirst newRows = NewRowsFirst.mapped(dialect, loaded);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            new SchemaMigrator(dialect).migrate(c, table, List.of(loaded, upserted));
            c.commit();
            write(c, loaded, upserted, newRows, 1, 0, KEYS);
            assertEquals(dialect.newRowLoader() != null ? 1 : 0, newRows.loadedBatches(), "batches bulk-loaded");
            assertSameRows(upserted, loaded, "a bulk-loaded mapped table reads as an upserted one");
            write(c, loaded, upserted, newRows, 2, KEYS / 2, KEYS + KEYS / 2);
            assertEquals(KEYS + KEYS / 2, read(loaded.table()).size(), "rows after the second round");
            assertSameRows(upserted, loaded, "after updates that the load could not take");
            assertFalse(newRows.disabled(), "a stored key ends one load, not loading");
        }
    }

    private void write(Connection c, TableMapping loaded, TableMapping upserted, NewRowsFirst newRows, int round,
                       int from, int to) throws Exception {
        ValueMapper toLoad = new ValueMapper(List.of(loaded));
        ValueMapper toUpsert = new ValueMapper(List.of(upserted));
        List<RowChange> load = new ArrayList<>();
        List<RowChange> upsert = new ArrayList<>();
        for (int i = from; i < to; i++) {
            byte[] key = (PREFIX + "cell-" + (i % 7) + "/" + i).getBytes(StandardCharsets.UTF_8);
            byte[] value = value(i, round);
            long revision = 100L * round + i;
            load.add(put(key, value, revision, toLoad.map(key, value, i % 5 == 0 ? 0 : 7000 + i)));
            upsert.add(put(key, value, revision, toUpsert.map(key, value, i % 5 == 0 ? 0 : 7000 + i)));
        }
        MappedWrites.upsert(c, dialect, table, load, false, Map.of(loaded.table(), newRows));
        MappedWrites.upsert(c, dialect, table, upsert, false, Map.of());
        c.commit();
    }

    private static RowChange put(byte[] key, byte[] value, long revision, MappedRow mapped) {
        return new RowChange(0, revision, key, value, revision, revision, 1, 0, false, false, 0, mapped, revision, false, null);
    }

    /** Each field present, absent, null or odd in turn. */
    private static byte[] value(int i, int round) {
        StringBuilder v = new StringBuilder("{");
        v.append("\"name\": ").append(i % 11 == 0 ? "null" : "\"n-" + i + "-é✓-r" + round + "\"");
        if (i % 13 != 0) {
            v.append(", \"count\": ").append(i % 2 == 0 ? -i * 1_000_003L : (long) i << 40);
        }
        v.append(", \"ratio\": ").append(i % 17 == 0 ? "null" : (i - 150) / 7.0);
        v.append(", \"ready\": ").append(i % 19 == 0 ? "null" : i % 3 == 0 ? "true" : "false");
        v.append(", \"since\": ").append(switch (i % 4) {
            case 0 -> "\"2026-12-06T17:28:34.123456789Z\"";
            case 1 -> "\"1969-07-20T20:17:40.5+02:00\"";
            case 2 -> "null";
            default -> String.valueOf(1_765_000_000L + i) + ".000001";
        });
        v.append(", \"spec\": {\"ports\": [").append(i).append(", 2222], \"labels\": {\"app\": \"a").append(i % 3)
                .append("\"}}}");
        return v.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static TableMapping mapping(String name) {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("cell", Map.of("from", "key:2", "type", "text"));
        columns.put("name", Map.of("from", "/name", "type", "text"));
        columns.put("count", Map.of("from", "/count", "type", "bigint"));
        columns.put("ratio", Map.of("from", "/ratio", "type", "double"));
        columns.put("ready", Map.of("from", "/ready", "type", "boolean"));
        columns.put("since", Map.of("from", "/since", "type", "timestamp"));
        columns.put("spec", Map.of("from", "/spec", "type", "json"));
        columns.put("lease_id", Map.of("from", "lease", "type", "bigint"));
        return MappingParser.parse(List.of(Map.of("prefix", PREFIX, "table", name, "json", true, "columns", columns))).get(0);
    }

    /** Names the first row that differs, not the whole tables. */
    private void assertSameRows(TableMapping expected, TableMapping actual, String what) throws Exception {
        List<String> want = read(expected.table());
        List<String> got = read(actual.table());
        assertEquals(want.size(), got.size(), what + ": the number of rows");
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i), got.get(i), what + ": row " + i);
        }
    }

    /** Every row as text, cell by cell, in key order. */
    private List<String> read(String name) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + name + " ORDER BY " + dialect.quote("key"))) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int col = 1; col <= meta.getColumnCount(); col++) {
                    Object cell = rs.getObject(col);
                    row.append(meta.getColumnName(col)).append('=')
                            .append(cell instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : cell).append(' ');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
