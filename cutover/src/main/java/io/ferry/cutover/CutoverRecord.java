package io.ferry.cutover;

import io.ferry.clients.JdbcConnections;
import io.ferry.clients.JdbcFailures;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import io.ferry.state.CutoverPhase;
import io.ferry.state.CutoverRow;
import io.ferry.state.CutoverTable;
import io.ferry.state.StateTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The cutover record of one deployment (its topic) in its target database, as the cutover, the
 * rollback, {@code ferry finish} and {@code ferry status} use it: each call on its own connection,
 * with a failure described in one line. The table and its statements are the state module's
 * {@link CutoverTable}; the sink, which creates the table, stops applying etcd changes once it
 * reads a switched row.
 */
public final class CutoverRecord {

    private final JdbcTarget target;
    private final CutoverTable table;

    /** The record of the cutovers of the deployment that replicates through {@code topic} into {@code target}. */
    public CutoverRecord(JdbcTarget target, String topic) {
        this.target = target;
        this.table = new CutoverTable(target.kind(), topic);
    }

    public static CutoverRecord of(FerryConfig c) {
        return new CutoverRecord(JdbcConnections.sink(c), c.kafka().topic());
    }

    void begin(long id, long r0) {
        write(c -> {
            if (!CutoverTable.exists(c)) {
                throw new FerryException(StateTables.CUTOVER + " does not exist in " + Secrets.maskUrl(target.jdbcUrl())
                        + ": the sink creates it. Start ferry run or ferry sink against this database first.");
            }
            table.begin(c, id, r0);
        });
    }

    void frozen(long id, long f, long frozenAt) {
        write(c -> table.frozen(c, id, f, frozenAt));
    }

    void switched(long id, long switchedAt, long downtimeMs, String digest) {
        write(c -> table.switched(c, id, switchedAt, downtimeMs, digest));
    }

    void rollingBack(long id) {
        write(c -> table.rollingBack(c, id));
    }

    /** A rollback that failed before etcd became authoritative: SQL stays authoritative, the reason is kept. */
    public void rollbackFailed(long id, String reason) {
        write(c -> table.rollbackFailed(c, id, reason));
    }

    void rolledBack(long id, long revision, long downtimeMs) {
        write(c -> table.rolledBack(c, id, revision, downtimeMs));
    }

    public void finished(long id, long finishedAt) {
        write(c -> table.finished(c, id, finishedAt));
    }

    void aborted(long id, String reason) {
        write(c -> table.aborted(c, id, reason));
    }

    /** Aborts the latest cutover if it is still verifying or frozen; returns its id. */
    public Optional<Long> abortOpen(String reason) {
        Optional<Long> id = run(table::open);
        id.ifPresent(i -> aborted(i, reason));
        return id;
    }

    /** The latest cutover's phase, read alone (one small query), if any cutover was ever attempted. */
    public Optional<CutoverPhase> currentPhase() {
        return run(table::current).map(CutoverTable.Current::phase);
    }

    /** The latest cutover, if any was ever attempted against this database. */
    public Optional<CutoverRow> latest() {
        return run(table::latest);
    }

    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private interface SqlWrite {
        void run(Connection c) throws SQLException;
    }

    private void write(SqlWrite work) {
        run(c -> {
            work.run(c);
            return null;
        });
    }

    private <T> T run(SqlWork<T> work) {
        try (Connection c = JdbcConnections.connect(target)) {
            return work.run(c);
        } catch (SQLException e) {
            throw new FerryException("the cutover record in " + StateTables.CUTOVER + " at " + Secrets.maskUrl(target.jdbcUrl())
                    + " could not be read or written: " + JdbcFailures.describe(e, target), e);
        }
    }
}
