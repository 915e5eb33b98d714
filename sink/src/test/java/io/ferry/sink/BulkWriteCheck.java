package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ferry.state.TombstonesTable;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Drives {@link RowBuffer} straight against a real database with batches of several chunks
 * (the set-based paths split at 1000 rows), mixing newer, stale, same-revision and repair rows
 * with keys tombstoned before and after the incoming revision, and compares the rows read back
 * and the applied/stale counts with what the guard must give, computed here row by row. On
 * PostgreSQL the first batch, all new keys, goes by {@link NewRowsFirst}'s COPY and the second,
 * whose load meets stored keys, falls back to the upsert.
 */
final class BulkWriteCheck {

    private static final int KEYS = 2500;

    private final SqlDatabase db;
    private final String table;
    private final SqlDialect dialect;
    /** hex(key) to the expected row, as {@link SinkRows#read} prints it. */
    private final Map<String, String> rows = new TreeMap<>();
    private final Map<String, Long> revisions = new TreeMap<>();
    private final Map<String, Long> tombstones = new TreeMap<>();
    /** Kept across batches, as the sink's writer keeps it. */
    private final NewRowsFirst newRows;

    /** Whether the first batch must have been bulk-loaded: where the dialect can load into {@code table}. */
    private final boolean loadable;

    BulkWriteCheck(SqlDatabase db, String table) {
        this(db, table, true);
    }

    BulkWriteCheck(SqlDatabase db, String table, boolean loadable) {
        this.db = db;
        this.table = table;
        this.dialect = SinkRows.dialect(db);
        this.newRows = NewRowsFirst.generic(dialect, table);
        this.loadable = loadable && dialect.newRowLoader() != null;
    }

    void run() throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            new SchemaMigrator(dialect).migrate(c, table);
            for (int i = 0; i < KEYS; i += 10) {
                tombstone(c, i, 5000);      // newer than round 1, older than round 2's newer rows
                tombstone(c, i + 1, 1);     // older than everything: blocks nothing
            }
            c.commit();
            batch(c, 1, i -> 1000L + i, false);
            batch(c, 2, i -> switch (i % 3) {
                case 0 -> 10_000L + i;      // newer
                case 1 -> 500L + i;         // older than the row
                default -> 1000L + i;       // the same revision: not newer
            }, false);
            batch(c, 3, i -> i % 7 == 0 ? revisions.getOrDefault(hex(i), 1000L + i) : 0L, true);
        }
        assertEquals(rows, SinkRows.read(db, table), "rows after the bulk writes");
        // Round 1 holds new keys only: where the dialect can bulk-load, it must have (round 2's
        // load meets stored keys, is rolled back and upserted instead).
        assertEquals(loadable ? 1 : 0, newRows.loadedBatches(), "batches bulk-loaded");
        // A stored key must read as such (the upsert takes the batch), not as a failure that ends loading for good.
        assertEquals(!loadable && dialect.newRowLoader() != null, newRows.disabled(), "loading given up");
    }

    /** Writes a put of every key at {@code revision.apply(i)} (skipped where 0) in one flush and checks the counts. */
    private void batch(Connection c, int round, java.util.function.IntToLongFunction revision, boolean repair)
            throws Exception {
        ApplyCounts counts = new ApplyCounts();
        RowBuffer buffer = new RowBuffer(dialect, table, List.of(), newRows, java.util.Map.of(), counts);
        long expectApplied = 0;
        int n = 0;
        for (int i = 0; i < KEYS; i++) {
            long rev = revision.applyAsLong(i);
            if (rev == 0) {
                continue;
            }
            n++;
            byte[] value = ("v" + round + "-" + i).getBytes(StandardCharsets.UTF_8);
            buffer.add(new RowChange(0, i, key(i), value, 7, rev, round, 0, repair, false, 0, null, rev, false, null));
            String k = hex(i);
            long stored = revisions.getOrDefault(k, -1L);
            boolean newer = repair ? rev >= stored : rev > stored;
            if (newer && tombstones.getOrDefault(k, -1L) < rev) {
                expectApplied++;
                revisions.put(k, rev);
                rows.put(k, SinkRows.describe(value, 7, rev, round, 0));
            }
        }
        buffer.flush(c, Set.of());
        c.commit();
        assertEquals(expectApplied, counts.applied, "applied in round " + round);
        assertEquals(n - expectApplied, counts.skippedStale, "skipped in round " + round);
    }

    private void tombstone(Connection c, int i, long revision) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(new TombstonesTable(dialect.kind()).upsert())) {
            ps.setBytes(1, key(i));
            ps.setLong(2, revision);
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
        }
        tombstones.put(hex(i), revision);
    }

    private byte[] key(int i) {
        return ("/" + table + "/k" + i).getBytes(StandardCharsets.UTF_8);
    }

    private String hex(int i) {
        return HexFormat.of().formatHex(key(i));
    }
}
