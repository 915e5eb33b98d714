package io.ferry.sink;

import io.ferry.clients.JdbcConnections;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.state.MetaTable;
import io.ferry.state.SinkOffsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the sink has stored in the target database, for {@code ferry status}, the reconciler and
 * cutover: each partition's watermark and next offset, and the tombstone horizon.
 *
 * @param watermarks per partition, the etcd revision through which it is applied
 * @param offsets per partition, the next Kafka offset to apply (-1: from the beginning)
 * @param appliedAtMs per partition, when its last batch committed in SQL (epoch ms)
 * @param tombstoneHorizonMs deletes older than this (epoch ms) may have lost their tombstone; -1 if never purged
 * @param tombstoneHorizonRevision newest delete revision whose tombstone was purged; -1 if none
 */
public record SinkState(Map<Integer, Long> watermarks, Map<Integer, Long> offsets, Map<Integer, Long> appliedAtMs,
                        long tombstoneHorizonMs, long tombstoneHorizonRevision) {

    /** Reads the state of the sink configured by {@code config}; empty when the sink never ran there. */
    public static SinkState read(FerryConfig config) {
        JdbcTarget target = JdbcConnections.sink(config);
        SqlDialect dialect = SqlDialect.of(target.kind());
        try (Connection c = Databases.connect(target, dialect)) {
            SinkOffsets stored = new SinkOffsets(c, target.kind(), config.kafka().topic());
            if (!stored.stored()) {
                return new SinkState(Map.of(), Map.of(), Map.of(), -1, -1);
            }
            MetaTable meta = new MetaTable(target.kind());
            Map<Integer, SinkOffsets.Row> rows = stored.rows();
            Map<Integer, Long> watermarks = new TreeMap<>();
            Map<Integer, Long> offsets = new TreeMap<>();
            Map<Integer, Long> appliedAt = new TreeMap<>();
            rows.forEach((p, row) -> {
                offsets.put(p, row.nextOffset());
                watermarks.put(p, row.watermark());
                appliedAt.put(p, row.updatedAtMs());
            });
            SinkState state = new SinkState(Collections.unmodifiableMap(watermarks), Collections.unmodifiableMap(offsets),
                    Collections.unmodifiableMap(appliedAt),
                    meta.read(c, TombstonePurger.HORIZON_MS), meta.read(c, TombstonePurger.HORIZON_REVISION));
            c.commit();
            return state;
        } catch (SQLException e) {
            throw new SinkException("cannot read the sink's state from " + target + ": " + e.getMessage(), e);
        }
    }

    /** The lowest watermark: SQL reflects etcd through this revision for every key. -1 when unknown. */
    public long minWatermark() {
        return watermarks.values().stream().mapToLong(Long::longValue).min().orElse(-1);
    }
}
