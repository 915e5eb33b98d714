package io.ferry.core.event;

import java.util.Objects;

/**
 * A record the watcher writes to every partition of a change topic to tell sinks about
 * progress, not about a key.
 *
 * <ul>
 *   <li>{@link Kind#WATERMARK}: every change up to and including {@code revision} has been
 *       written to this partition, so a sink that applied it may advance its watermark to
 *       {@code revision} even if the partition has been idle.</li>
 *   <li>{@link Kind#SNAPSHOT_BEGIN} and {@link Kind#SNAPSHOT_END}: bracket the snapshot reads of
 *       {@code epoch} taken at {@code revision}. At the end, a sink removes the rows of this
 *       partition that the snapshot did not refresh: those keys were deleted while no watch
 *       could see them (compaction).</li>
 * </ul>
 *
 * @param kind what the record announces
 * @param clusterId etcd cluster id
 * @param revision the revision the record speaks of
 * @param epoch the snapshot epoch in force
 * @param partition the partition the record was written to (each partition gets its own copy)
 * @param tsMs when the watcher wrote it
 */
public record ControlRecord(Kind kind, String clusterId, long revision, long epoch, int partition, long tsMs) implements Envelope {

    public ControlRecord {
        Objects.requireNonNull(kind, "kind");
    }

    /** Kinds of control record, with the names used in JSON and in the {@code ferry.kind} header. */
    public enum Kind {
        WATERMARK("watermark"),
        SNAPSHOT_BEGIN("snapshot_begin"),
        SNAPSHOT_END("snapshot_end");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Kind fromWireName(String name) {
            for (Kind k : values()) {
                if (k.wireName.equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown control record kind '" + name
                    + "', expected watermark, snapshot_begin or snapshot_end");
        }
    }
}
