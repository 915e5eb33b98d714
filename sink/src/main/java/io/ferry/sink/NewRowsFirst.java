package io.ferry.sink;

import io.ferry.state.TombstonesTable;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch of puts to one table (the generic table, or a mapped one) through the dialect's
 * {@link NewRowLoader}, when it has one, and says when the batch must take the guarded upsert
 * instead.
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

    /** Sends rows, ordered by key and none tombstoned, to the loader in the table's own shape. */
    interface Load {
        void load(Connection c, NewRowLoader loader, List<RowChange> rows) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(NewRowsFirst.class);
    /** Below this many rows a load saves too little to be worth a failed attempt. */
    private static final int MIN_ROWS = 64;
    private static final int FIRST_REST = 8;
    private static final int MAX_REST = 1024;

    private final SqlDialect dialect;
    private final NewRowLoader loader;
    private final String table;
    private final Load load;
    private final TombstonesTable tombstones;
    private int rest;
    private int resting;
    private boolean off;
    private long loaded;

    private NewRowsFirst(SqlDialect dialect, String table, Load load) {
        this.dialect = dialect;
        this.loader = dialect.newRowLoader();
        this.table = table;
        this.load = load;
        this.tombstones = new TombstonesTable(dialect.kind());
        this.off = loader == null;
    }

    /** For the generic table. */
    static NewRowsFirst generic(SqlDialect dialect, String table) {
        return new NewRowsFirst(dialect, table, (c, loader, rows) -> loader.load(c, table, RowColumns.of(rows)));
    }

    /** For the mapped table of {@code mapping}; the rows it is given are the decoded ones. */
    static NewRowsFirst mapped(SqlDialect dialect, TableMapping mapping) {
        return new NewRowsFirst(dialect, mapping.table(),
                (c, loader, rows) -> loader.load(c, mapping.table(), TypedRows.of(mapping, rows)));
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
        List<RowChange> rows = RowColumns.byKey(puts);
        Savepoint before = c.setSavepoint();
        try {
            List<RowChange> live = withoutTombstoned(c, rows);
            if (!live.isEmpty()) {
                load.load(c, loader, live);
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
            if (loader.isBadValue(e)) {
                LOG.debug("A value of the batch does not fit {} ({}): upserting the batch, which names it", table,
                        e.getMessage());
            } else if (loader.isDuplicateKey(e)) {
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

    /** Whether loading was given up for good after an error other than a stored key. */
    boolean disabled() {
        return off && loader != null;
    }

    /** How many batches were loaded so far. */
    long loadedBatches() {
        return loaded;
    }

    /** The rows without those whose key has a tombstone at or after their revision: the guard would refuse them. */
    private List<RowChange> withoutTombstoned(Connection c, List<RowChange> rows) throws SQLException {
        if (!tombstones.any(c)) {
            return rows; // a replay into an empty database: no need to send every key to look them up
        }
        byte[][] keys = new byte[rows.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = rows.get(i).key();
        }
        Map<ByteBuffer, Long> stored = tombstones.revisions(c, keys);
        List<RowChange> live = new ArrayList<>(rows.size());
        for (RowChange r : rows) {
            Long deletedAt = stored.get(ByteBuffer.wrap(r.key()));
            if (deletedAt == null || deletedAt < r.modRevision()) {
                live.add(r);
            }
        }
        return live;
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
