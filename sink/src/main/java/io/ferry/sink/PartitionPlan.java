package io.ferry.sink;

import java.util.List;

/**
 * One partition's share of a batch: the items to apply in offset order and the
 * {@code ferry_offsets} row to write in the same transaction.
 *
 * @param partition the partition
 * @param expectedOffset the stored next offset this plan starts from; the write is fenced on it
 * @param nextOffset the next offset once the plan is applied
 * @param watermark the partition's watermark once the plan is applied
 * @param snapshotEpoch snapshot epoch in progress afterwards, 0 for none
 * @param snapshotRevision revision of that snapshot
 * @param items row changes and snapshot brackets, in offset order
 * @param halt the record that stops the partition, or null
 * @param records how many of the poll's records were this partition's
 */
record PartitionPlan(int partition, long expectedOffset, long nextOffset, long watermark, long snapshotEpoch,
                     long snapshotRevision, List<PlanItem> items, BadRecord halt, int records) {

    /** True when the plan changes the stored row. */
    boolean advances() {
        return nextOffset != expectedOffset;
    }
}
