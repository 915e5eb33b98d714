package io.ferry.sink;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A database's bulk-load path for rows whose keys a table (the generic table, or a mapped one)
 * does not hold yet: binary {@code COPY} on PostgreSQL. It skips the conflict check of an upsert,
 * which is most of an upsert's cost when the table is being filled (a replay into an empty
 * database, a first snapshot), and relies on the primary key instead: a key that is already there
 * fails the whole load, and the batch then takes the guarded upsert ({@link NewRowsFirst}).
 */
public interface NewRowLoader {

    /** Inserts every row into {@code table}, or fails; see {@link #isDuplicateKey}. */
    void load(Connection c, String table, RowColumns rows) throws SQLException;

    /** Inserts every row into the mapped table {@code table}, or fails; see {@link #isDuplicateKey}. */
    void load(Connection c, String table, TypedRows rows) throws SQLException;

    /** True when {@code e} says a loaded key was already in the table. */
    boolean isDuplicateKey(SQLException e);

    /**
     * True when {@code e} says a value of the load does not fit its column (text PostgreSQL cannot
     * store, say): the guarded upsert then meets the same value and reports it, so the load is
     * only skipped for this batch.
     */
    boolean isBadValue(SQLException e);
}
