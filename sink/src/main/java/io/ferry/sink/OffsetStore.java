package io.ferry.sink;

import io.ferry.state.OffsetsTable;
import io.ferry.state.SweepTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes {@code ferry_offsets}: per topic partition, the next offset to apply, the
 * watermark and the snapshot in progress.
 *
 * <p>Every batch moves a partition's row with a compare-and-set on the offset it started from.
 * That both takes the row lock first (so two sinks that overlap during a rebalance queue up on
 * it) and fences the loser: once the winner has committed, the other's update matches no row,
 * and it rolls back and re-reads where the partition stands.
 */
final class OffsetStore {

    private final OffsetsTable offsets;
    private final SweepTable sweep;

    OffsetStore(SqlDialect dialect, String topic) {
        this.offsets = new OffsetsTable(dialect.kind(), topic);
        this.sweep = new SweepTable(dialect.kind());
    }

    /** Makes sure each partition has a row, then reads them. Commits. */
    Map<Integer, PartitionProgress> load(Connection c, Collection<Integer> partitions) throws SQLException {
        offsets.ensure(c, partitions);
        Map<Integer, PartitionProgress> out = new TreeMap<>();
        Map<Integer, Long> candidates = sweep.counts(c);
        offsets.read(c).forEach((p, row) -> {
            if (partitions.contains(p)) {
                out.put(p, new PartitionProgress(row.nextOffset(), row.watermark(), row.snapshotEpoch(),
                        row.snapshotRevision(), candidates.getOrDefault(p, 0L)));
            }
        });
        c.commit();
        return out;
    }

    /** Moves the row from the plan's expected offset to its next one; false when it was not at the expected offset. */
    boolean advance(Connection c, PartitionPlan plan) throws SQLException {
        return offsets.advance(c, plan.partition(), plan.expectedOffset(), new OffsetsTable.Progress(plan.nextOffset(),
                plan.watermark(), plan.snapshotEpoch(), plan.snapshotRevision()), System.currentTimeMillis());
    }

    /** The stored next offset of a partition, or -2 when it has no row. */
    long storedOffset(Connection c, int partition) throws SQLException {
        return offsets.nextOffset(c, partition);
    }

    /** Sets partitions to start again at the given offsets (-1: the beginning); the snapshot state is reset. */
    void rewind(Connection c, Map<Integer, Long> offsets) throws SQLException {
        load(c, offsets.keySet());
        this.offsets.rewind(c, offsets, System.currentTimeMillis());
        sweep.clearAll(c);
        c.commit();
    }
}
