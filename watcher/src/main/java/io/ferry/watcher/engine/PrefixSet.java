package io.ferry.watcher.engine;

import io.etcd.jetcd.auth.Permission;
import io.ferry.clients.EtcdGrant;
import io.ferry.core.KeyRanges;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The configured prefixes as key ranges, with prefixes that another one already covers removed.
 * The watch spans from the smallest range start to the largest range end as ONE etcd watch, and
 * events outside the prefixes are filtered out here: one watch stream keeps every etcd revision,
 * also a transaction across two prefixes, in one response, which is what lets a Kafka
 * transaction never end in the middle of a revision.
 */
final class PrefixSet {

    /** One prefix as the half-open range [start, end). */
    record Range(byte[] start, byte[] end) {
    }

    private final List<Range> ranges;

    private PrefixSet(List<Range> ranges) {
        this.ranges = ranges;
    }

    static PrefixSet of(List<String> prefixes) {
        List<byte[]> sorted = new ArrayList<>();
        for (String p : prefixes) {
            sorted.add(p.getBytes(StandardCharsets.UTF_8));
        }
        sorted.sort(KeyRanges::compare);
        List<Range> ranges = new ArrayList<>();
        for (byte[] p : sorted) {
            boolean covered = ranges.stream().anyMatch(r -> KeyRanges.inRange(p, r.start(), r.end()));
            if (!covered) {
                ranges.add(new Range(p, KeyRanges.prefixEnd(p)));
            }
        }
        return new PrefixSet(List.copyOf(ranges));
    }

    List<Range> ranges() {
        return ranges;
    }

    boolean contains(byte[] key) {
        for (Range r : ranges) {
            if (KeyRanges.inRange(key, r.start(), r.end())) {
                return true;
            }
        }
        return false;
    }

    /** Read on each prefix: what the snapshot needs. */
    List<EtcdGrant> readGrants() {
        return ranges.stream().map(r -> EtcdGrant.prefix(text(r.start()), Permission.Type.READ)).toList();
    }

    /**
     * Read on what the one watch covers: the prefix itself, or with several prefixes the whole span
     * from the first to the end of the last, keys between them included (etcd checks a watch's range
     * as a whole).
     */
    EtcdGrant watchGrant() {
        if (ranges.size() == 1) {
            return EtcdGrant.prefix(text(ranges.get(0).start()), Permission.Type.READ);
        }
        Range span = watchSpan();
        return EtcdGrant.range(text(span.start()), text(span.end()), Permission.Type.READ);
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    /** The single range the watch covers: every prefix, and possibly keys between them that get filtered. */
    Range watchSpan() {
        byte[] start = ranges.get(0).start();
        byte[] end = ranges.stream().map(Range::end)
                .max(Comparator.comparing((byte[] e) -> Arrays.equals(e, KeyRanges.ALL_KEYS_END) ? 1 : 0)
                        .thenComparing(KeyRanges::compare))
                .orElseThrow();
        return new Range(start, end);
    }
}
