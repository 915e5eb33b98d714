package io.ferry.sink;

/**
 * What the database says about one partition: the next offset to apply, the watermark, and the
 * snapshot in progress. Mirrors a {@code ferry_offsets} row; changes only after a commit.
 *
 * @param nextOffset next offset to apply, -1 for "from the beginning of the topic"
 * @param watermark every change of the partition up to this etcd revision is applied
 * @param snapshotEpoch epoch of the snapshot in progress, 0 for none
 * @param snapshotRevision revision of the snapshot in progress
 * @param sweepCandidates rows recorded at snapshot begin and not refreshed yet (an upper bound)
 */
record PartitionProgress(long nextOffset, long watermark, long snapshotEpoch, long snapshotRevision,
                         long sweepCandidates) {

    static final PartitionProgress NEW = new PartitionProgress(-1, 0, 0, 0, 0);

    boolean inSnapshot() {
        return snapshotEpoch > 0;
    }
}
