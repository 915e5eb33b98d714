package io.ferry.cli;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a running sink may count as ready: none of its partitions is halted on a bad record, and none
 * lags more than {@code http.ready.max.lag.revisions} behind. Behind what: etcd's revision as the watcher
 * in the same process last saw it ({@code ferry run}); without a watcher ({@code ferry sink}), the sink's
 * own newest partition, since watermarks reach every partition and a partition that stops while the
 * others go on is stuck. How far the whole pipeline lags etcd is then the watcher's {@code /ready}.
 */
final class SinkReadiness {

    private SinkReadiness() {
    }

    /**
     * @param halted partitions halted on a bad record
     * @param watermarks the etcd revision through which each partition the sink holds is applied
     * @param etcdRevision etcd's revision, when a watcher in this process knows it
     * @param maxLag {@code http.ready.max.lag.revisions}
     * @return why the sink is not ready, or empty
     */
    static Optional<String> notReady(Set<Integer> halted, Map<Integer, Long> watermarks, OptionalLong etcdRevision,
                                     long maxLag) {
        if (!halted.isEmpty()) {
            return Optional.of("sink partition" + (halted.size() == 1 ? " " : "s ") + new TreeSet<>(halted)
                    + (halted.size() == 1 ? " is" : " are") + " halted on a bad record (the log names it; fix it, or "
                    + "skip it with ferry replay --to-offsets)");
        }
        if (watermarks.isEmpty()) {
            return Optional.empty();
        }
        Map.Entry<Integer, Long> slowest = watermarks.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
        long newest = watermarks.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long reference = etcdRevision.isPresent() ? Math.max(etcdRevision.getAsLong(), newest) : newest;
        long lag = reference - slowest.getValue();
        if (lag > maxLag) {
            return Optional.of("sink partition " + slowest.getKey() + " is applied through revision " + slowest.getValue()
                    + ", " + lag + " revisions behind " + (etcdRevision.isPresent() ? "etcd" : "the sink's newest partition")
                    + " (more than http.ready.max.lag.revisions, " + maxLag + ")");
        }
        return Optional.empty();
    }
}
