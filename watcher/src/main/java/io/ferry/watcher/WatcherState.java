package io.ferry.watcher;

/**
 * Life cycle of an {@link EtcdWatcher}. Every change is a compare-and-set and is logged at INFO.
 *
 * <pre>
 * NEW -> STARTING -> STANDBY -> SNAPSHOTTING -> STREAMING -> STOPPING -> STOPPED
 *                       ^            |  ^           |
 *                       +--- RECOVERING <-----------+        any -> FAILED
 * </pre>
 */
public enum WatcherState {
    /** Created, not started. */
    NEW,
    /** Connecting to etcd and Kafka, creating topics. */
    STARTING,
    /** Waiting to win the etcd election; another watcher leads. */
    STANDBY,
    /** Copying the keyspace at a fixed revision (first start, or after compaction). */
    SNAPSHOTTING,
    /** Watching etcd and producing changes. */
    STREAMING,
    /** A transient failure (Kafka or etcd unreachable); resuming from the checkpoint. */
    RECOVERING,
    /** {@code close()} was called. */
    STOPPING,
    /** Stopped cleanly. */
    STOPPED,
    /** Stopped on an error that retrying cannot fix; see {@link EtcdWatcher#failure()}. */
    FAILED
}
