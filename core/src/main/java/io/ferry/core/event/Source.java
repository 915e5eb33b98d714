package io.ferry.core.event;

/**
 * Where an event came from.
 *
 * @param clusterId etcd cluster id from the response header, as unsigned hex
 * @param revision the etcd revision of the change; for a snapshot read, the snapshot revision
 * @param epoch snapshot epoch: 1 for the first snapshot, incremented by every re-snapshot
 * @param snapshot true when the event was read by a snapshot rather than a watch
 */
public record Source(String clusterId, long revision, long epoch, boolean snapshot) {
}
