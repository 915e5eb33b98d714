package io.ferry.state;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each partition's watermark of one topic, as the sink stored it: the etcd revision through which
 * the partition is applied in SQL.
 *
 * @param byPartition partition to watermark, in partition order; empty when the sink never ran
 */
public record Watermarks(Map<Integer, Long> byPartition) {

    public Watermarks {
        byPartition = Collections.unmodifiableMap(new TreeMap<>(byPartition));
    }

    /** The lowest watermark: SQL reflects etcd through this revision for every key. -1 when there is none. */
    public long min() {
        return byPartition.values().stream().mapToLong(Long::longValue).min().orElse(-1);
    }

    /** Whether every partition has applied {@code revision}; never while the sink has stored no watermark. */
    public boolean reached(long revision) {
        return !byPartition.isEmpty() && min() >= revision;
    }

    public boolean isEmpty() {
        return byPartition.isEmpty();
    }
}
