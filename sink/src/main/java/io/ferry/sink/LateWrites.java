package io.ferry.sink;

import io.ferry.core.event.Bytes;
import io.ferry.state.CutoverTable;
import io.ferry.state.LateWritesTable;
import io.ferry.state.StateTables;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sink does once a cutover has switched: SQL is authoritative from the freeze revision F
 * on, so an etcd change can no longer be applied without overwriting what the applications now
 * write to SQL. Each change after F is recorded in {@code ferry_late_writes} instead (a
 * lost-update candidate the operator must see, kept even after etcd compacts its history), and
 * anything at or before F is already in SQL, verified by the cutover, so it is stale. Ferry's
 * own keys (the freeze marker, the version key, the fence) are not late writes.
 *
 * <p>The switch is read in the batch's own transaction, so the batch that first sees it is the
 * first one that applies nothing. A change after F that an old writer made between the freeze
 * and the switch was applied before the switch committed; {@code ferry reconcile --since F}
 * lists it with its SQL state.
 *
 * <p>During the bake period the rollback path copies SQL's changes back into etcd. The watcher
 * marks those changes as Ferry's own ({@code reverse}), so they are neither applied (that would
 * loop) nor reported. SQL stays authoritative while a rollback runs and after {@code ferry finish};
 * once a rollback completes, the cutover row says so and the sink applies etcd's changes again.
 */
final class LateWrites {

    private static final Logger LOG = LoggerFactory.getLogger(LateWrites.class);

    private final CutoverTable cutovers;
    private final LateWritesTable lateWrites;
    private final Set<ByteBuffer> ownKeys = new HashSet<>();

    LateWrites(SqlDialect dialect, String topic, Collection<byte[]> ownKeys) {
        this.cutovers = new CutoverTable(dialect.kind(), topic);
        this.lateWrites = new LateWritesTable(dialect.kind(), topic);
        ownKeys.forEach(k -> this.ownKeys.add(ByteBuffer.wrap(k)));
    }

    /** F of the switched cutover, or 0 while etcd is authoritative. */
    long switchedAt(Connection c) throws SQLException {
        return cutovers.switchedAt(c);
    }

    /**
     * Records the plan's changes after {@code f} and counts the rest as stale; writes no row.
     * A change is one key at one revision, so a replay or a duplicate delivery records nothing twice.
     */
    void record(Connection c, BatchPlan plan, long f, ApplyCounts counts) throws SQLException {
        try (PreparedStatement exists = lateWrites.prepareRecorded(c); PreparedStatement ps = lateWrites.prepareInsert(c)) {
            long now = System.currentTimeMillis();
            Set<String> batch = new HashSet<>();
            for (PartitionPlan p : plan.partitions()) {
                for (PlanItem item : p.items()) {
                    if (!(item instanceof RowChange change) || change.modRevision() <= f || change.reverse()
                            || ownKeys.contains(ByteBuffer.wrap(change.key()))) {
                        counts.skippedStale += item instanceof RowChange ? 1 : 0;
                        continue;
                    }
                    if (!batch.add(change.modRevision() + "/" + HexFormat.of().formatHex(change.key()))
                            || lateWrites.recorded(exists, change.modRevision(), change.key())) {
                        counts.skippedStale++;
                        continue;
                    }
                    counts.lateWrites++;
                    LOG.warn("Late write after the cutover (F={}): {} of key {} at revision {} (partition {}, offset {}) is "
                            + "recorded in {}, not applied: SQL is authoritative", f, change.isDelete() ? "delete" : "put",
                            Bytes.printable(change.key()), change.modRevision(), p.partition(), change.offset(),
                            StateTables.LATE_WRITES);
                    lateWrites.add(ps, p.partition(), change.offset(), change.key(), change.isDelete() ? "delete" : "put",
                            change.modRevision(), change.tsMs(), now);
                }
            }
            ps.executeBatch();
        }
    }
}
