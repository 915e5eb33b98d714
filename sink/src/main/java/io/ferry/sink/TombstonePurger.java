package io.ferry.sink;

import io.ferry.state.MetaTable;
import io.ferry.state.TombstonesTable;
import java.sql.Connection;
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

    private final TombstonesTable tombstones;
    private final MetaTable meta;
    private final Duration retention;

    TombstonePurger(SqlDialect dialect, Duration retention) {
        this.tombstones = new TombstonesTable(dialect.kind());
        this.meta = new MetaTable(dialect.kind());
        this.retention = retention;
    }

    void purge(Connection c, long nowMs) throws SQLException {
        long horizon = nowMs - retention.toMillis();
        TombstonesTable.Purged purged = tombstones.purge(c, horizon);
        if (purged.maxRevision() >= 0) {
            meta.write(c, HORIZON_REVISION, Math.max(meta.read(c, HORIZON_REVISION), purged.maxRevision()));
        }
        meta.write(c, HORIZON_MS, horizon);
        c.commit();
        if (purged.count() > 0) {
            LOG.info("Purged {} delete tombstones older than {} (horizon revision {})", purged.count(),
                    java.time.Instant.ofEpochMilli(horizon), purged.maxRevision());
        }
    }
}
