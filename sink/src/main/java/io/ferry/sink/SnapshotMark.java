package io.ferry.sink;

/**
 * A snapshot bracket on one partition. At {@code begin} the sink records which rows of the
 * partition the snapshot must refresh; at the end it removes those it did not: etcd deleted them
 * while no watch could see it.
 *
 * @param partition the partition
 * @param begin true for snapshot_begin, false for snapshot_end
 * @param epoch the snapshot epoch
 * @param revision the snapshot revision
 */
record SnapshotMark(int partition, boolean begin, long epoch, long revision) implements PlanItem {
}
