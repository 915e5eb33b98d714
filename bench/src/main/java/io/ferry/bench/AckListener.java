package io.ferry.bench;

/** Told of each operation etcd acknowledged: its revision and when the answer arrived. */
@FunctionalInterface
interface AckListener {

    AckListener NONE = (revision, ackNanos) -> { };

    void acked(long revision, long ackNanos);
}
