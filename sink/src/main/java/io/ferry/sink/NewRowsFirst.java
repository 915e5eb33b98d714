package io.ferry.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch of puts to the generic table through the dialect's {@link NewRowLoader}, when
 * it has one, and says when the batch must take the guarded upsert instead.
 *
 * <p>The load is exact only for keys the table does not hold: rows with a tombstone at or after
 * their revision are left out first (the upsert's guard would refuse them too), and a key that is
 * already stored fails the load on the primary key. Such a load is rolled back to a savepoint, so
 * it leaves nothing behind, and the batch is upserted. After a failed load the loader rests for 8
 * batches, doubling up to 1,024 while loads keep failing: a live stream of updates to existing keys
 * then pays for one failed load in a thousand batches, while a replay into an empty database or a
 * first snapshot loads nearly every batch.
 *
 * <p>Used by the sink's one writer thread only.
 */
final class NewRowsFirst {

    private static final Logger LOG = LoggerFactory.getLogger(NewRowsFirst.class);
    /** Below this many rows a load saves too little to be worth a failed attempt. */
    private static final int MIN_ROWS = 64;
    private static final int FIRST_REST = 8;
    private static final int MAX_REST = 1024;

    private final SqlDialect dialect;
    private final NewRowLoader loader;
    private final String table;
    private int rest;
    private int resting;
    private boolean off;
    private long loaded;

    NewRowsFirst(SqlDialect dialect, String table) {
        this.dialect = dialect;
        this.loader = dialect.newRowLoader();
        this.table = table;
        this.off = loader == null;
    }

    /**
     * Loads {@code puts} (one per key, none a repair) when it can.
     *
     * @return how many rows were inserted (the others were tombstoned), or -1 when nothing was
     *         written and the batch must take the guarded upsert
     */
    long apply(Connection c, List<RowChange> puts) throws SQLException {
        if (off || puts.size() < MIN_ROWS) {
            return -1;
        }
        if (resting > 0) {
            resting--;
            return -1;
        }
        RowColumns rows = RowColumns.sortedByKey(puts);
        Savepoint before = c.setSavepoint();
        try {
            RowColumns live = withoutTombstoned(c, rows);
            if (live.size() > 0) {
                loader.load(c, table, live);
            }
            c.releaseSavepoint(before);
            rest = 0;
            loaded++;
            return live.size();
        } catch (SQLException e) {
            if (dialect.isTransient(e)) {
                throw e; // the transaction is gone with the connection; the retrier starts the batch again
            }
            undo(c, before, e);
            if (loader.isDuplicateKey(e)) {
                rest = Math.min(MAX_REST, Math.max(FIRST_REST, rest * 2));
                resting = rest;
                LOG.debug("A key of the batch is already in {}: upserting it, and upserting the next {} batches", table, rest);
            } else {
                // For example a table that is a view without an INSTEAD OF trigger: the upsert works, a load never will.
                off = true;
                LOG.warn("Bulk loading new rows into {} failed ({}); this sink applies every batch by guarded upsert from "
                        + "now on, which is correct but slower when filling an empty table", table, e.getMessage());
            }
            return -1;
        }
    }

    /** How many batches were loaded so far. */
    long loadedBatches() {
        return loaded;
    }

    private RowColumns withoutTombstoned(Connection c, RowColumns rows) throws SQLException {
        boolean[] dead = loader.tombstoned(c, rows.keys(), rows.modRevisions());
        int live = 0;
        for (boolean d : dead) {
            live += d ? 0 : 1;
        }
        if (live == rows.size()) {
            return rows;
        }
        int[] keep = new int[live];
        for (int i = 0, k = 0; i < dead.length; i++) {
            if (!dead[i]) {
                keep[k++] = i;
            }
        }
        return rows.only(keep);
    }

    private static void undo(Connection c, Savepoint before, SQLException cause) throws SQLException {
        try {
            c.rollback(before);
        } catch (SQLException e) {
            cause.addSuppressed(e);
            throw cause;
        }
    }
}
