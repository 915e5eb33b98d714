package io.ferry.bench;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * The sink's own end-to-end timer, {@code ferry.sink.age} (envelope {@code ts_ms} to SQL commit),
 * given fixed buckets so that the part of one step can be cut out of it by subtracting two
 * snapshots. It is the cross-check of the bench's ack-to-watermark lag: it starts at the
 * watcher's view of the commit and ends at the commit, so it leaves out the watermark's own delay.
 */
final class SinkAgeHistogram {

    static final String METER = "ferry.sink.age";
    private static final double[] BUCKETS_MS = {5, 10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500,
        2000, 3000, 5000, 10000, 30000};

    private SinkAgeHistogram() {
    }

    /** A registry in which the sink's age timer gets the buckets. */
    static MeterRegistry registry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        double[] nanos = new double[BUCKETS_MS.length];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = BUCKETS_MS[i] * 1e6;
        }
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (METER.equals(id.getName())) {
                    // Micrometer's histograms rotate (2 minutes by default); one window for the whole
                    // run keeps the counts cumulative, so two snapshots can be subtracted.
                    // Only these buckets: the sink's own percentile histogram would shift their positions.
                    return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).percentilesHistogram(false)
                            .expiry(Duration.ofDays(1)).bufferLength(1).build().merge(config);
                }
                return config;
            }
        });
        return registry;
    }

    /** Cumulative counts per bucket, plus the total count in the last slot; empty before the sink timed anything. */
    static long[] counts(MeterRegistry registry) {
        Timer timer = registry.find(METER).timer();
        long[] out = new long[BUCKETS_MS.length + 1];
        if (timer == null) {
            return out;
        }
        CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
        for (int i = 0; i < buckets.length && i < BUCKETS_MS.length; i++) {
            out[i] = (long) buckets[i].count();
        }
        out[BUCKETS_MS.length] = timer.count();
        return out;
    }

    /** The upper bound in ms of the bucket holding the q-quantile between two snapshots; +Inf past the last. */
    static double quantileMs(long[] before, long[] after, double q) {
        long total = after[BUCKETS_MS.length] - before[BUCKETS_MS.length];
        if (total <= 0) {
            return Double.NaN;
        }
        for (int i = 0; i < BUCKETS_MS.length; i++) {
            if (after[i] - before[i] >= q * total) {
                return BUCKETS_MS[i];
            }
        }
        return Double.POSITIVE_INFINITY;
    }

}
