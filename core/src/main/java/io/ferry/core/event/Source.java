package io.ferry.core.event;

/**
 * Where an event came from.
 *
 * @param clusterId etcd cluster id from the response header, as unsigned hex
 * @param revision the etcd revision of the change; for a snapshot read, the snapshot revision
 * @param epoch snapshot epoch: 1 for the first snapshot, incremented by every re-snapshot
 * @param snapshot true when the event was read by a snapshot rather than a watch
 * @param reverse true when Ferry's reverse replication (the rollback path) made the change, copying
 *     a SQL change into etcd: the sink never applies it forward while SQL is authoritative, and never
 *     reports it as a late write
 */
public record Source(String clusterId, long revision, long epoch, boolean snapshot, boolean reverse) {

    /** A change an application (or anyone but Ferry's reverse replication) made. */
    public Source(String clusterId, long revision, long epoch, boolean snapshot) {
        this(clusterId, revision, epoch, snapshot, false);
    }
}
