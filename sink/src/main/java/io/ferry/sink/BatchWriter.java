package io.ferry.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link BatchPlan} in one SQL transaction: the offsets and watermarks first (which
 * fences out any other sink holding the same partitions), then the rows, then commit. Either all
 * of it lands or none of it, so a kill -9 at any point leaves rows and offsets in agreement.
 * After a cutover's switch the rows are not applied but handed to {@link LateWrites}.
 */
final class BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    /** How a write ended. */
    enum Outcome {
        /** Applied and committed. */
        COMMITTED,
        /** An earlier attempt whose commit reply was lost had already committed it. */
        ALREADY_COMMITTED,
        /** Another sink (or a replay) moved a partition's offset; nothing was written. */
        FENCED
    }

    /**
     * @param outcome how it ended
     * @param counts what happened to rows
     * @param sweepCandidates per partition touched by a snapshot bracket, the candidates left
     */
    record Result(Outcome outcome, ApplyCounts counts, Map<Integer, Long> sweepCandidates) {
    }

    private final SqlDialect dialect;
    private final String table;
    private final OffsetStore offsets;
    private final Sweeper sweeper;
    private final java.util.List<TableMapping> mappings;
    private final LateWrites lateWrites;
    private final NewRowsFirst newRows;
    private final Map<String, NewRowsFirst> newMappedRows = new HashMap<>();

    BatchWriter(SqlDialect dialect, String table, OffsetStore offsets, java.util.List<TableMapping> mappings,
                LateWrites lateWrites) {
        this.dialect = dialect;
        this.table = table;
        this.offsets = offsets;
        this.mappings = mappings;
        this.lateWrites = lateWrites;
        this.sweeper = new Sweeper(dialect, table, mappings);
        this.newRows = NewRowsFirst.generic(dialect, table);
        mappings.forEach(m -> newMappedRows.put(m.table(), NewRowsFirst.mapped(dialect, m)));
    }

    Result write(Connection c, BatchPlan plan, Map<Integer, PartitionProgress> progress, int partitions)
            throws SQLException {
        ApplyCounts counts = new ApplyCounts();
        Map<Integer, Long> candidates = new HashMap<>();
        for (PartitionPlan p : plan.partitions()) {
            if (p.advances() && !offsets.advance(c, p)) {
                long stored = offsets.storedOffset(c, p.partition());
                c.rollback();
                Outcome outcome = stored == p.nextOffset() ? Outcome.ALREADY_COMMITTED : Outcome.FENCED;
                LOG.debug("Partition {} is at offset {}, not {}: {}", p.partition(), stored, p.expectedOffset(), outcome);
                return new Result(outcome, counts, candidates);
            }
        }
        long switchedAt = lateWrites.switchedAt(c);
        if (switchedAt > 0) {
            // SQL is authoritative: no etcd change may overwrite it, and no snapshot may sweep it.
            lateWrites.record(c, plan, switchedAt, counts);
            c.commit();
            return new Result(Outcome.COMMITTED, counts, candidates);
        }
        Set<Integer> sweeping = new HashSet<>();
        progress.forEach((p, pp) -> {
            if (pp.sweepCandidates() > 0) {
                sweeping.add(p);
            }
        });
        RowBuffer rows = new RowBuffer(dialect, table, mappings, newRows, newMappedRows, counts);
        for (PartitionPlan p : plan.partitions()) {
            for (PlanItem item : p.items()) {
                if (item instanceof RowChange change) {
                    rows.add(change);
                } else if (item instanceof SnapshotMark mark) {
                    rows.flush(c, sweeping);
                    bracket(c, mark, partitions, counts, candidates, sweeping);
                }
            }
        }
        rows.flush(c, sweeping);
        c.commit();
        return new Result(Outcome.COMMITTED, counts, candidates);
    }

    private void bracket(Connection c, SnapshotMark mark, int partitions, ApplyCounts counts,
                         Map<Integer, Long> candidates, Set<Integer> sweeping) throws SQLException {
        if (mark.begin()) {
            long n = sweeper.begin(c, mark, partitions);
            candidates.put(mark.partition(), n);
            if (n > 0) {
                sweeping.add(mark.partition());
            }
            LOG.info("Snapshot epoch {} at revision {} begins on partition {}: {} rows must be refreshed or are swept",
                    mark.epoch(), mark.revision(), mark.partition(), n);
        } else {
            long swept = sweeper.end(c, mark);
            counts.swept += swept;
            candidates.put(mark.partition(), 0L);
            sweeping.remove(mark.partition());
            LOG.info("Snapshot epoch {} at revision {} ends on partition {}: swept {} rows deleted while unwatched",
                    mark.epoch(), mark.revision(), mark.partition(), swept);
        }
    }
}
