package io.ferry.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * End-to-end lag, etcd acknowledgement to visible in SQL: each acknowledged write is recorded with
 * its revision and time, and the SQL watermark is sampled every few milliseconds; a write became
 * visible at the first sample whose watermark reached its revision. The lag so found is at most
 * one sampling period plus one query late.
 */
final class LagRecorder implements AckListener {

    private static final int CAP = 4_000_000;

    private final LongList ackRevisions = new LongList(CAP);
    private final LongList ackNanos = new LongList(CAP);
    private final LongList sampleNanos = new LongList(CAP);
    private final LongList sampleWatermarks = new LongList(CAP);

    @Override
    public synchronized void acked(long revision, long nanos) {
        ackRevisions.add(revision);
        ackNanos.add(nanos);
    }

    synchronized void sample(long nanos, long watermark) {
        sampleNanos.add(nanos);
        sampleWatermarks.add(watermark);
    }

    /** One lag per acknowledged write, in milliseconds, in ack order; -1 for writes never seen in SQL. */
    synchronized Lags lags() {
        int n = ackRevisions.size();
        long[] lagNanos = new long[n];
        long[] at = new long[n];
        for (int i = 0; i < n; i++) {
            long visible = firstSampleReaching(ackRevisions.get(i));
            at[i] = ackNanos.get(i);
            lagNanos[i] = visible < 0 ? -1 : Math.max(0, visible - ackNanos.get(i));
        }
        return new Lags(at, lagNanos);
    }

    /** Watermarks only grow, so the samples are sorted by watermark too: binary search. */
    private long firstSampleReaching(long revision) {
        int lo = 0;
        int hi = sampleWatermarks.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sampleWatermarks.get(mid) >= revision) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo < sampleWatermarks.size() ? sampleNanos.get(lo) : -1;
    }

    /** Lags in nanoseconds (-1: never visible) and the ack time of each write. */
    record Lags(long[] ackNanos, long[] lagNanos) {

        long unseen() {
            return Arrays.stream(lagNanos).filter(l -> l < 0).count();
        }

        /** The q-quantile (0..1) in ms of the writes acknowledged in [from, to) nanos, or NaN when none. */
        double quantileMs(double q, long from, long to) {
            List<Long> in = new ArrayList<>();
            for (int i = 0; i < lagNanos.length; i++) {
                if (ackNanos[i] >= from && ackNanos[i] < to && lagNanos[i] >= 0) {
                    in.add(lagNanos[i]);
                }
            }
            if (in.isEmpty()) {
                return Double.NaN;
            }
            in.sort(null);
            int idx = (int) Math.min(in.size() - 1, Math.ceil(q * in.size()) - 1);
            return in.get(Math.max(0, idx)) / 1e6;
        }
    }
}
