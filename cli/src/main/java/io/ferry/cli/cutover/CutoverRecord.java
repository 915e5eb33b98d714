package io.ferry.cli.cutover;

import io.ferry.core.FerryException;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * The {@code ferry_cutover} table: one row per cutover attempt, with its phase, R0, the freeze
 * revision F, the times and the measured downtime. It is the record, in SQL, that SQL became
 * authoritative, and {@code ferry status} shows its latest row.
 */
public final class CutoverRecord {

    static final String TABLE = "ferry_cutover";

    /** The phases a cutover row goes through. */
    public enum Phase { VERIFYING, FROZEN, SWITCHED, ABORTED }

    /**
     * The latest row.
     *
     * @param phase where it ended or stands
     * @param r0 the fully verified revision before the freeze
     * @param freezeRevision F, or 0 before the freeze
     * @param downtimeMs freeze to switch, or -1
     * @param reason why it aborted, or null
     */
    public record Latest(Phase phase, long r0, long freezeRevision, long downtimeMs, String reason) {
    }

    private final JdbcTarget target;

    public CutoverRecord(JdbcTarget target) {
        this.target = target;
    }

    void begin(long id, long r0) {
        run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGINT PRIMARY KEY, phase VARCHAR(32) NOT NULL, "
                        + "r0 BIGINT NOT NULL, freeze_revision BIGINT NOT NULL, started_at BIGINT NOT NULL, "
                        + "frozen_at BIGINT NOT NULL, switched_at BIGINT NOT NULL, downtime_ms BIGINT NOT NULL, "
                        + "report_digest VARCHAR(64), reason VARCHAR(2000))");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, phase, r0, freeze_revision, "
                    + "started_at, frozen_at, switched_at, downtime_ms) VALUES (?, ?, ?, 0, ?, 0, 0, -1)")) {
                ps.setLong(1, id);
                ps.setString(2, Phase.VERIFYING.name());
                ps.setLong(3, r0);
                ps.setLong(4, id);
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

    void aborted(long id, String reason) {
        String cut = reason.length() > 1900 ? reason.substring(0, 1900) + "..." : reason;
        update(id, "phase = ?, reason = ?", Phase.ABORTED.name(), cut);
    }

    /** Aborts the latest cutover if it is still verifying or frozen; returns its id. */
    public Optional<Long> abortOpen(String reason) {
        Optional<Long>[] id = new Optional[] {Optional.empty()};
        run(c -> {
            if (!exists(c)) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + TABLE + " WHERE phase IN (?, ?) ORDER BY id DESC")) {
                ps.setString(1, Phase.VERIFYING.name());
                ps.setString(2, Phase.FROZEN.name());
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
            if (!exists(c)) {
                return;
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT phase, r0, freeze_revision, downtime_ms, reason FROM " + TABLE + " ORDER BY id DESC")) {
                if (rs.next()) {
                    out[0] = Optional.of(new Latest(Phase.valueOf(rs.getString(1)), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getString(5)));
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

    private static boolean exists(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, TABLE, null)) {
            return rs.next();
        }
    }

    private interface SqlWork {
        void run(Connection c) throws SQLException;
    }

    private void run(SqlWork work) {
        Properties props = new Properties();
        target.user().ifPresent(u -> props.setProperty("user", u));
        target.password().ifPresent(p -> props.setProperty("password", p));
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(), props)) {
            work.run(c);
        } catch (SQLException e) {
            throw new FerryException("writing the cutover record to " + Secrets.maskUrl(target.jdbcUrl()) + " failed: "
                    + e.getMessage(), e);
        }
    }
}
