package io.ferry.state;

import io.ferry.core.config.JdbcTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The statements on {@code ferry_cutover}: one row per cutover attempt of one deployment (its
 * topic), with its phase, R0, the freeze revision F, the times and the measured downtime. It is
 * the record, in SQL, that SQL became authoritative: the sink stops applying etcd's changes once
 * it reads a switched row. Every method works in the caller's connection and transaction.
 */
public final class CutoverTable {

    /** The reason column holds 2000 characters. */
    private static final int REASON_CHARS = 1900;

    /**
     * The latest cutover's id and phase, all that the rollback path's user reads.
     *
     * @param id the cutover's id
     * @param phase its phase
     */
    public record Current(long id, CutoverPhase phase) {
    }

    private final StateSql sql;
    private final String topic;
    private final String table;

    /** The cutovers of the deployment that replicates through {@code topic}. */
    public CutoverTable(JdbcTarget.Kind kind, String topic) {
        this.sql = new StateSql(kind);
        this.topic = topic;
        this.table = sql.quote(StateTables.CUTOVER);
    }

    /** Whether the table exists: the sink creates it on its first start. */
    public static boolean exists(Connection c) throws SQLException {
        return StateSql.exists(c, StateTables.CUTOVER);
    }

    /** Inserts cutover {@code id}, VERIFYING from R0; its start time is its id. */
    public void begin(Connection c, long id, long r0) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + sql.columns("id", "topic", "phase", "r0",
                "freeze_revision", "started_at", "frozen_at", "switched_at", "downtime_ms")
                + ") VALUES (?, ?, ?, ?, 0, ?, 0, 0, -1)")) {
            ps.setLong(1, id);
            ps.setString(2, topic);
            ps.setString(3, CutoverPhase.VERIFYING.name());
            ps.setLong(4, r0);
            ps.setLong(5, id);
            ps.executeUpdate();
        }
    }

    public void frozen(Connection c, long id, long f, long frozenAt) throws SQLException {
        update(c, id, CutoverPhase.FROZEN, new String[] {"freeze_revision", "frozen_at"}, f, frozenAt);
    }

    public void switched(Connection c, long id, long switchedAt, long downtimeMs, String digest) throws SQLException {
        update(c, id, CutoverPhase.SWITCHED, new String[] {"switched_at", "downtime_ms", "report_digest"}, switchedAt,
                downtimeMs, digest);
    }

    public void rollingBack(Connection c, long id) throws SQLException {
        update(c, id, CutoverPhase.ROLLING_BACK, new String[] {});
    }

    /** A rollback that failed before etcd became authoritative: SQL stays authoritative, the reason is kept. */
    public void rollbackFailed(Connection c, long id, String reason) throws SQLException {
        update(c, id, CutoverPhase.SWITCHED, new String[] {"reason"}, cut("rollback failed: " + reason));
    }

    public void rolledBack(Connection c, long id, long revision, long downtimeMs) throws SQLException {
        update(c, id, CutoverPhase.ROLLED_BACK, new String[] {"rollback_revision", "rollback_downtime_ms"}, revision,
                downtimeMs);
    }

    public void finished(Connection c, long id, long finishedAt) throws SQLException {
        update(c, id, CutoverPhase.FINISHED, new String[] {"finished_at"}, finishedAt);
    }

    public void aborted(Connection c, long id, String reason) throws SQLException {
        update(c, id, CutoverPhase.ABORTED, new String[] {"reason"}, cut(reason));
    }

    /** The latest cutover if it is still verifying or frozen. */
    public Optional<Long> open(Connection c) throws SQLException {
        if (!exists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.quote("id") + " FROM " + table + " WHERE "
                + sql.quote("topic") + " = ? AND " + sql.quote("phase") + " IN (?, ?) ORDER BY " + sql.quote("id") + " DESC")) {
            ps.setString(1, topic);
            ps.setString(2, CutoverPhase.VERIFYING.name());
            ps.setString(3, CutoverPhase.FROZEN.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** The latest cutover, if any was ever attempted against this database. */
    public Optional<CutoverRow> latest(Connection c) throws SQLException {
        if (!exists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.columns("id", "phase", "r0", "freeze_revision",
                "downtime_ms", "reason", "rollback_revision", "rollback_downtime_ms", "report_digest") + " FROM " + table
                + " WHERE " + sql.quote("topic") + " = ? ORDER BY " + sql.quote("id") + " DESC")) {
            ps.setMaxRows(1);
            ps.setString(1, topic);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CutoverRow(rs.getLong(1), CutoverPhase.valueOf(rs.getString(2)), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5), rs.getString(6), new LateWritesTable(sql.kind(), topic).count(c),
                        rs.getLong(7), rs.getLong(8), rs.getString(9)));
            }
        }
    }

    /** The latest cutover's id and phase, if any was ever attempted against this database. */
    public Optional<Current> current(Connection c) throws SQLException {
        if (!exists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.columns("id", "phase") + " FROM " + table + " WHERE "
                + sql.quote("topic") + " = ? ORDER BY " + sql.quote("id") + " DESC")) {
            ps.setMaxRows(1);
            ps.setString(1, topic);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Current(rs.getLong(1), CutoverPhase.valueOf(rs.getString(2))))
                        : Optional.empty();
            }
        }
    }

    /** F of the switched cutover, or 0 while etcd is authoritative. The sink reads it in each batch's transaction. */
    public long switchedAt(Connection c) throws SQLException {
        StringBuilder phases = new StringBuilder();
        CutoverPhase.SQL_AUTHORITATIVE.forEach(p -> phases.append(phases.isEmpty() ? "?" : ", ?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + sql.quote("freeze_revision") + ") FROM " + table
                + " WHERE " + sql.quote("topic") + " = ? AND " + sql.quote("phase") + " IN (" + phases + ")")) {
            ps.setString(1, topic);
            for (int i = 0; i < CutoverPhase.SQL_AUTHORITATIVE.size(); i++) {
                ps.setString(i + 2, CutoverPhase.SQL_AUTHORITATIVE.get(i).name());
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private void update(Connection c, long id, CutoverPhase phase, String[] columns, Object... values) throws SQLException {
        StringBuilder set = new StringBuilder(sql.quote("phase") + " = ?");
        for (String column : columns) {
            set.append(", ").append(sql.quote(column)).append(" = ?");
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + set + " WHERE " + sql.quote("id") + " = ?")) {
            ps.setString(1, phase.name());
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 2, values[i]);
            }
            ps.setLong(values.length + 2, id);
            ps.executeUpdate();
        }
    }

    private static String cut(String reason) {
        return reason.length() > REASON_CHARS ? reason.substring(0, REASON_CHARS) + "..." : reason;
    }
}
