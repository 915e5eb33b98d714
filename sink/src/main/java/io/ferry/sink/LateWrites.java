package io.ferry.sink;

import io.ferry.core.event.Bytes;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
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

    private final SqlDialect dialect;
    private final String topic;
    private final Set<ByteBuffer> ownKeys = new HashSet<>();

    LateWrites(SqlDialect dialect, String topic, Collection<byte[]> ownKeys) {
        this.dialect = dialect;
        this.topic = topic;
        ownKeys.forEach(k -> this.ownKeys.add(ByteBuffer.wrap(k)));
    }

    /** The cutover phases in which SQL is authoritative. */
    static final List<String> SQL_AUTHORITATIVE = List.of("SWITCHED", "ROLLING_BACK", "FINISHED");

    /** F of the switched cutover, or 0 while etcd is authoritative. */
    long switchedAt(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + dialect.quote("freeze_revision") + ") FROM "
                + dialect.quote(SqlDialect.CUTOVER) + " WHERE " + dialect.quote("topic") + " = ? AND "
                + dialect.quote("phase") + " IN (?, ?, ?)")) {
            ps.setString(1, topic);
            for (int i = 0; i < SQL_AUTHORITATIVE.size(); i++) {
                ps.setString(i + 2, SQL_AUTHORITATIVE.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * Records the plan's changes after {@code f} and counts the rest as stale; writes no row.
     * A change is one key at one revision, so a replay or a duplicate delivery records nothing twice.
     */
    void record(Connection c, BatchPlan plan, long f, ApplyCounts counts) throws SQLException {
        String insert = "INSERT INTO " + dialect.quote(SqlDialect.LATE_WRITES) + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM " + dialect.quote(SqlDialect.LATE_WRITES)
                + " WHERE " + dialect.quote("revision") + " = ? AND " + dialect.quote("topic") + " = ? AND "
                + dialect.quote("key") + " = ?");
             PreparedStatement ps = c.prepareStatement(insert)) {
            long now = System.currentTimeMillis();
            Set<String> batch = new HashSet<>();
            for (PartitionPlan p : plan.partitions()) {
                for (PlanItem item : p.items()) {
                    if (!(item instanceof RowChange change) || change.modRevision() <= f || change.reverse()
                            || ownKeys.contains(ByteBuffer.wrap(change.key()))) {
                        counts.skippedStale += item instanceof RowChange ? 1 : 0;
                        continue;
                    }
                    if (!batch.add(change.modRevision() + "/" + HexFormat.of().formatHex(change.key())) || seen(exists, change)) {
                        counts.skippedStale++;
                        continue;
                    }
                    counts.lateWrites++;
                    LOG.warn("Late write after the cutover (F={}): {} of key {} at revision {} (partition {}, offset {}) is "
                            + "recorded in {}, not applied: SQL is authoritative", f, change.isDelete() ? "delete" : "put",
                            Bytes.printable(change.key()), change.modRevision(), p.partition(), change.offset(),
                            SqlDialect.LATE_WRITES);
                    ps.setString(1, topic);
                    ps.setInt(2, p.partition());
                    ps.setLong(3, change.offset());
                    ps.setBytes(4, change.key());
                    ps.setString(5, change.isDelete() ? "delete" : "put");
                    ps.setLong(6, change.modRevision());
                    ps.setLong(7, change.tsMs());
                    ps.setLong(8, now);
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private boolean seen(PreparedStatement exists, RowChange change) throws SQLException {
        exists.setLong(1, change.modRevision());
        exists.setString(2, topic);
        exists.setBytes(3, change.key());
        try (ResultSet rs = exists.executeQuery()) {
            return rs.next();
        }
    }
}
