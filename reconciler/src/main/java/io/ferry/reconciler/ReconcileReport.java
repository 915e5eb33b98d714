package io.ferry.reconciler;

import io.ferry.reconciler.mapped.MappedTally;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a reconciliation. Every differing key can be streamed from {@link #differences()};
 * the report itself holds only counts and a sample, so it stays small however many keys differ.
 *
 * @param revision the etcd revision R compared
 * @param prefixes the key prefixes compared
 * @param startedAt when the comparison started
 * @param duration how long it took
 * @param etcdKeys keys etcd held under the prefixes at R
 * @param sqlRows rows SQL held in the same ranges
 * @param pages etcd pages compared
 * @param cleanPages pages whose hash matched at once
 * @param inFlight rows written after R that matched etcd's current state when checked again
 * @param minWatermark the smallest partition watermark the sink had stored, -1 when unknown
 * @param watermarks each partition's stored watermark
 * @param differences every difference found, the mapped tables' too
 * @param mapped what the check of each mapped table covered ({@code sink.mappings}), in the order of the mappings
 */
public record ReconcileReport(long revision, List<String> prefixes, Instant startedAt, Duration duration, long etcdKeys,
                              long sqlRows, long pages, long cleanPages, long inFlight, long minWatermark,
                              Map<Integer, Long> watermarks, DifferenceLog differences, List<MappedTally> mapped) {

    /** A report without mapped tables. */
    public ReconcileReport(long revision, List<String> prefixes, Instant startedAt, Duration duration, long etcdKeys,
                           long sqlRows, long pages, long cleanPages, long inFlight, long minWatermark,
                           Map<Integer, Long> watermarks, DifferenceLog differences) {
        this(revision, prefixes, startedAt, duration, etcdKeys, sqlRows, pages, cleanPages, inFlight, minWatermark, watermarks,
                differences, List.of());
    }

    /** The verdict operators act on. */
    public enum Verdict { CLEAN, DIFFERENCES }

    public Verdict verdict() {
        return differences.total() == 0 ? Verdict.CLEAN : Verdict.DIFFERENCES;
    }

    /**
     * Neither etcd nor SQL had anything under the prefixes at R: not a proof of anything. A prefix that
     * matches no key (a typo, a leading slash) would otherwise look like a clean copy.
     */
    public boolean comparedNothing() {
        return etcdKeys == 0 && sqlRows == 0 && differences.total() == 0;
    }

    /** The generic table's differences by kind. */
    public Map<DifferenceKind, Long> counts() {
        return differences.counts();
    }
}
