package io.ferry.cli.status;

import java.util.List;

/**
 * What {@code ferry status} found, read from the stores themselves; {@link StatusText} and {@link StatusJson} render
 * it. A value of -1 means not known yet (no checkpoint, no watermark, no end offset); a null part was not there to
 * read.
 *
 * @param process what the process's own HTTP endpoint on this machine said, or why it said nothing
 */
public record StatusReport(String process, Etcd etcd, Watcher watcher, Kafka kafka, Sink sink, Cutover cutover) {

    /** etcd as the status saw it. */
    public record Etcd(String clusterId, long revision, long compactedRevision) {
    }

    /** The watcher's position, from its latest checkpoint; -1 throughout when it has written none. */
    public record Watcher(long producedRevision, long epoch, boolean snapshotting, long revisionLag, long checkpointAgeMs,
                          long compactionHeadroomRevisions) {
    }

    /**
     * The change and checkpoint topics as they are, with what puts the guarantees at risk.
     *
     * @param brokers the cluster's brokers, null when neither topic exists
     * @param changeTopic null when it does not exist yet
     * @param checkpointTopic null when it does not exist yet
     */
    public record Kafka(String bootstrap, Integer brokers, Topic changeTopic, Topic checkpointTopic, List<String> warnings) {
    }

    /** One of Ferry's topics. */
    public record Topic(String name, int partitions, int replicationFactor, int minInsyncReplicas, String cleanupPolicy,
                        int maxMessageBytes) {
    }

    /** Where the sink stands, from the offsets and watermarks it keeps in SQL. */
    public record Sink(long minWatermark, long revisionLag, long tombstoneHorizonRevision, List<Partition> partitions) {
    }

    /**
     * One partition of the change topic as the sink has applied it.
     *
     * @param offset the stored offset, null when none is stored
     */
    public record Partition(int partition, long watermark, Long offset, long endOffset, long consumerLag,
                            long lastAppliedAgeMs) {
    }

    /**
     * The latest cutover. Before any, only {@code phase} ("forward") and {@code note} are set; after one, every
     * field but {@code note}, the rollback's only once rolled back, {@code reason} only where one was recorded and
     * {@code reverse} only during the bake period.
     */
    public record Cutover(String phase, String note, String authoritative, long r0, long freezeRevision, long downtimeMs,
                          long lateWrites, String reason, Long rollbackRevision, Long rollbackDowntimeMs, Reverse reverse) {

        /** No cutover was ever recorded. */
        public static Cutover none(String note) {
            return new Cutover("forward", note, null, 0, 0, 0, 0, null, null, null, null);
        }

        /** Whether a cutover was recorded. */
        public boolean recorded() {
            return note == null;
        }

        public Cutover withReverse(Reverse r) {
            return new Cutover(phase, note, authoritative, r0, freezeRevision, downtimeMs, lateWrites, reason,
                    rollbackRevision, rollbackDowntimeMs, r);
        }
    }

    /**
     * Reverse replication during the bake period.
     *
     * @param progress how far it has copied SQL's changes into etcd; null when it has not started
     * @param state "running", or why there is none
     * @param slot the WAL the PostgreSQL replication slot keeps; null elsewhere or when there is no slot
     */
    public record Reverse(String state, Progress progress, Slot slot) {
    }

    /** How far reverse replication has copied. */
    public record Progress(long applied, long lastAppliedAgeMs, long revision) {
    }

    /**
     * The WAL the replication slot keeps.
     *
     * @param retainedWalBytes the bytes, null when they could not be read
     * @param unknown why they could not be read, null when they could
     */
    public record Slot(Long retainedWalBytes, String unknown) {
    }
}
