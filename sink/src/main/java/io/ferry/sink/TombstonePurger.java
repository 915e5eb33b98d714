package io.ferry.sink;

import io.ferry.state.StateTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges delete tombstones older than {@code sink.tombstone.retention.ms} and reports the horizon
 * in {@code ferry_meta}: {@code tombstone.horizon.ms} (tombstones of deletes before this time may
 * be gone) and {@code tombstone.horizon.revision} (the newest purged delete revision). A replay of
 * records older than the horizon could bring a deleted key back, so status and replay show it.
 */
final class TombstonePurger {

    static final String HORIZON_MS = "tombstone.horizon.ms";
    static final String HORIZON_REVISION = "tombstone.horizon.revision";
    private static final Logger LOG = LoggerFactory.getLogger(TombstonePurger.class);

    private final SqlDialect dialect;
    private final Duration retention;

    TombstonePurger(SqlDialect dialect, Duration retention) {
        this.dialect = dialect;
        this.retention = retention;
    }

    void purge(Connection c, long nowMs) throws SQLException {
        long horizon = nowMs - retention.toMillis();
        String t = dialect.quote(StateTables.TOMBSTONES);
        String deletedAt = dialect.quote("deleted_at");
        long maxRevision = -1;
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + dialect.quote("revision") + ") FROM " + t
                + " WHERE " + deletedAt + " < ?")) {
            ps.setLong(1, horizon);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getObject(1) != null) {
                    maxRevision = rs.getLong(1);
                }
            }
        }
        int purged = 0;
        if (maxRevision >= 0) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE " + deletedAt + " < ?")) {
                ps.setLong(1, horizon);
                purged = ps.executeUpdate();
            }
            long previous = SinkState.meta(c, dialect, HORIZON_REVISION);
            meta(c, HORIZON_REVISION, Math.max(previous, maxRevision));
        }
        meta(c, HORIZON_MS, horizon);
        c.commit();
        if (purged > 0) {
            LOG.info("Purged {} delete tombstones older than {} (horizon revision {})", purged,
                    java.time.Instant.ofEpochMilli(horizon), maxRevision);
        }
    }

    private void meta(Connection c, String name, long value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.upsertMeta())) {
            ps.setString(1, name);
            ps.setString(2, Long.toString(value));
            ps.executeUpdate();
        }
    }
}
