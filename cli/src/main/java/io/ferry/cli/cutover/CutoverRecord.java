package io.ferry.cli.cutover;

import io.ferry.clients.JdbcConnections;
import io.ferry.clients.JdbcFailures;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import io.ferry.sink.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The {@code ferry_cutover} table: one row per cutover attempt of one deployment (its topic), with
 * its phase, R0, the freeze revision F, the times and the measured downtime. It is the record, in
 * SQL, that SQL became authoritative: the sink, which owns the table's schema, stops applying etcd
 * changes once it reads a switched row, and {@code ferry status} shows the latest row.
 */
public final class CutoverRecord {

    static final String TABLE = SqlDialect.CUTOVER;

    /**
     * The phases a cutover row goes through: VERIFYING, FROZEN, then SWITCHED (or ABORTED, etcd
     * still authoritative). After the switch, the bake period: ROLLING_BACK while {@code ferry
     * rollback} runs (SQL writers must stop), then ROLLED_BACK (etcd authoritative again) or back to
     * SWITCHED if the rollback failed; or FINISHED when {@code ferry finish} ended the bake period.
     */
    public enum Phase {
        VERIFYING, FROZEN, SWITCHED, ABORTED, ROLLING_BACK, ROLLED_BACK, FINISHED;

        /** Whether SQL is authoritative in this phase. */
        public boolean sqlAuthoritative() {
            return this == SWITCHED || this == ROLLING_BACK || this == FINISHED;
        }
    }

    /**
     * The latest row.
     *
     * @param id the cutover's id
     * @param phase where it ended or stands
     * @param r0 the fully verified revision before the freeze
     * @param freezeRevision F, or 0 before the freeze
     * @param downtimeMs freeze to switch, or -1
     * @param reason why it aborted, or null
     * @param lateWrites etcd changes after the switch that the sink recorded instead of applying
     * @param rollbackRevision RB of a completed rollback, or 0
     * @param rollbackDowntimeMs a completed rollback's downtime, or 0
     * @param digest the switch's digest, also in etcd's version key, or null before the switch
     */
    public record Latest(long id, Phase phase, long r0, long freezeRevision, long downtimeMs, String reason, long lateWrites,
                         long rollbackRevision, long rollbackDowntimeMs, String digest) {
    }

    private final JdbcTarget target;
    private final String topic;

    /** The record of the cutovers of the deployment that replicates through {@code topic} into {@code target}. */
    public CutoverRecord(JdbcTarget target, String topic) {
        this.target = target;
        this.topic = topic;
    }

    public static CutoverRecord of(FerryConfig c) {
        return new CutoverRecord(JdbcConnections.sink(c), c.kafka().topic());
    }

    void begin(long id, long r0) {
        run(c -> {
            if (!exists(c, TABLE)) {
                throw new FerryException(TABLE + " does not exist in " + Secrets.maskUrl(target.jdbcUrl())
                        + ": the sink creates it. Start ferry run or ferry sink against this database first.");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, topic, phase, r0, freeze_revision, "
                    + "started_at, frozen_at, switched_at, downtime_ms) VALUES (?, ?, ?, ?, 0, ?, 0, 0, -1)")) {
                ps.setLong(1, id);
                ps.setString(2, topic);
                ps.setString(3, Phase.VERIFYING.name());
                ps.setLong(4, r0);
                ps.setLong(5, id);
                ps.executeUpdate();
            }
        });
    }

    void frozen(long id, long f, long frozenAt) {
        update(id, "phase = ?, freeze_revision = ?, frozen_at = ?", Phase.FROZEN.name(), f, frozenAt);
    }

    void switched(long id, long switchedAt, long downtimeMs, String digest) {
        update(id, "phase = ?, switched_at = ?, downtime_ms = ?, report_digest = ?", Phase.SWITCHED.name(), switchedAt,
                downtimeMs, digest);
    }

    void rollingBack(long id) {
        update(id, "phase = ?", Phase.ROLLING_BACK.name());
    }

    /** A rollback that failed before etcd became authoritative: SQL stays authoritative, the reason is kept. */
    public void rollbackFailed(long id, String reason) {
        update(id, "phase = ?, reason = ?", Phase.SWITCHED.name(), cut("rollback failed: " + reason));
    }

    void rolledBack(long id, long revision, long downtimeMs) {
        update(id, "phase = ?, rollback_revision = ?, rollback_downtime_ms = ?", Phase.ROLLED_BACK.name(), revision,
                downtimeMs);
    }

    public void finished(long id, long finishedAt) {
        update(id, "phase = ?, finished_at = ?", Phase.FINISHED.name(), finishedAt);
    }

    private static String cut(String reason) {
        return reason.length() > 1900 ? reason.substring(0, 1900) + "..." : reason;
    }

    void aborted(long id, String reason) {
        update(id, "phase = ?, reason = ?", Phase.ABORTED.name(), cut(reason));
    }

    /** Aborts the latest cutover if it is still verifying or frozen; returns its id. */
    public Optional<Long> abortOpen(String reason) {
        Optional<Long>[] id = new Optional[] {Optional.empty()};
        run(c -> {
            if (!exists(c, TABLE)) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + TABLE
                    + " WHERE topic = ? AND phase IN (?, ?) ORDER BY id DESC")) {
                ps.setString(1, topic);
                ps.setString(2, Phase.VERIFYING.name());
                ps.setString(3, Phase.FROZEN.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        id[0] = Optional.of(rs.getLong(1));
                    }
                }
            }
        });
        id[0].ifPresent(i -> aborted(i, reason));
        return id[0];
    }

    /** The latest cutover, if any was ever attempted against this database. */
    public Optional<Latest> latest() {
        Optional<Latest>[] out = new Optional[] {Optional.empty()};
        run(c -> {
            if (!exists(c, TABLE)) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, phase, r0, freeze_revision, downtime_ms, reason, rollback_revision, rollback_downtime_ms, report_digest FROM "
                            + TABLE + " WHERE topic = ? ORDER BY id DESC")) {
                ps.setMaxRows(1);
                ps.setString(1, topic);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out[0] = Optional.of(new Latest(rs.getLong(1), Phase.valueOf(rs.getString(2)), rs.getLong(3),
                                rs.getLong(4), rs.getLong(5), rs.getString(6), lateWrites(c), rs.getLong(7), rs.getLong(8), rs.getString(9)));
                    }
                }
            }
        });
        return out[0];
    }

    private void update(long id, String set, Object... values) {
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET " + set + " WHERE id = ?")) {
                for (int i = 0; i < values.length; i++) {
                    ps.setObject(i + 1, values[i]);
                }
                ps.setLong(values.length + 1, id);
                ps.executeUpdate();
            }
        });
    }

    private long lateWrites(Connection c) throws SQLException {
        if (!exists(c, SqlDialect.LATE_WRITES)) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + SqlDialect.LATE_WRITES + " WHERE topic = ?")) {
            ps.setString(1, topic);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, table, null)) {
            return rs.next();
        }
    }

    private interface SqlWork {
        void run(Connection c) throws SQLException;
    }

    private void run(SqlWork work) {
        try (Connection c = JdbcConnections.connect(target)) {
            work.run(c);
        } catch (SQLException e) {
            throw new FerryException("the cutover record in " + TABLE + " at " + Secrets.maskUrl(target.jdbcUrl())
                    + " could not be read or written: " + JdbcFailures.describe(e, target), e);
        }
    }
}
