package io.ferry.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's meters, named {@code ferry.sink.*}. Outcomes are tags with a few values; keys never
 * are. Every meter is removed on close.
 */
final class SinkMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter applied;
    private final Counter skippedStale;
    private final Counter deleted;
    private final Counter superseded;
    private final Counter swept;
    private final Counter lateWrites;
    private final Counter failed;
    private final Map<String, Counter> refusedSignatures = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> decodeFailures = new ConcurrentHashMap<>();
    private final DistributionSummary batchSize;
    private final Timer commitTime;
    private final Timer age;
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong halted = new AtomicLong();
    private final Map<Integer, AtomicLong> watermarks = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> offsets = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> partitionLags = new ConcurrentHashMap<>();

    SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        applied = records("applied");
        skippedStale = records("skipped_stale");
        deleted = records("deleted");
        superseded = records("superseded");
        swept = records("swept");
        lateWrites = records("late_write");
        failed = records("failed");
        batchSize = add(DistributionSummary.builder("ferry.sink.batch.size")
                .description("Records in one SQL transaction").baseUnit("records").register(registry));
        // Both timers publish histogram buckets so that Prometheus can compute percentiles across
        // instances (histogram_quantile); the bounds keep the buckets to what these times can be.
        commitTime = add(Timer.builder("ferry.sink.commit.time")
                .description("Time to apply and commit one batch, retries included")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1)).register(registry));
        // An age grows to minutes while a snapshot or an outage is caught up on; above the largest bucket
        // histogram_quantile can only say "more than 10 minutes".
        age = add(Timer.builder("ferry.sink.age")
                .description("Age of a change when its SQL transaction commits: from the watcher's ts_ms (etcd commit, "
                        + "approximately) to the SQL commit")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry));
        add(Gauge.builder("ferry.sink.consumer.lag", lag, AtomicLong::get)
                .description("Records on the assigned partitions not yet consumed").baseUnit("records").register(registry));
        add(Gauge.builder("ferry.sink.partitions.halted", halted, AtomicLong::get)
                .description("Partitions of this sink halted on a bad record; /ready answers 503 while there are any")
                .register(registry));
    }

    private Counter records(String result) {
        return add(Counter.builder("ferry.sink.records").tag("result", result)
                .description("Records by outcome: applied, skipped_stale (older than the row or a tombstone), deleted, "
                        + "superseded (a newer change to the key in the same batch), swept (removed at a snapshot end), "
                        + "late_write (an etcd change after a cutover's switch, recorded in ferry_late_writes, not applied), "
                        + "failed (bad input)")
                .register(registry));
    }

    private <M extends Meter> M add(M meter) {
        synchronized (meters) {
            meters.add(meter);
        }
        return meter;
    }

    void batch(int records, ApplyCounts counts, Duration took) {
        batchSize.record(records);
        commitTime.record(took);
        applied.increment(counts.applied);
        skippedStale.increment(counts.skippedStale);
        deleted.increment(counts.deleted);
        superseded.increment(counts.superseded);
        swept.increment(counts.swept);
        lateWrites.increment(counts.lateWrites);
        counts.decodeFailures.forEach((tableAndCategory, n) -> decodeFailures.computeIfAbsent(tableAndCategory,
                k -> add(Counter.builder("ferry.sink.decode.failures").tag("table", k.get(0)).tag("reason", k.get(1))
                        .description("Values under a mapped prefix that did not decode: kept raw in the generic table and "
                                + "listed in ferry_decode_failures, by mapped table and category").register(registry)))
                .increment(n));
    }

    void age(long tsMs, long committedAtMs) {
        if (tsMs > 0 && committedAtMs >= tsMs) {
            age.record(Duration.ofMillis(committedAtMs - tsMs));
        }
    }

    /** A record refused for its signature ({@code unsigned}, {@code unknown_key}, {@code invalid}), halted on or dead-lettered. */
    void refusedSignature(String problem) {
        refusedSignatures.computeIfAbsent(problem, p -> add(Counter.builder("ferry.sink.signature.refused").tag("reason", p)
                .description("Records never applied because of their signature, with signing.key set: unsigned, "
                        + "unknown_key (signed with a key the sink does not hold) or invalid (forged or altered); each "
                        + "halts its partition or goes to the dead-letter topic").register(registry))).increment();
    }

    void failed() {
        failed.increment();
    }

    void halted(int partitions) {
        halted.set(partitions);
    }

    void lag(long records) {
        lag.set(records);
    }

    /** Where the partition stands in Kafka: the next offset to apply, and the records after it not yet consumed. */
    void position(int partition, long nextOffset, long lag) {
        perPartition(offsets, "ferry.sink.offset", "The next Kafka offset of the partition to apply", partition).set(nextOffset);
        perPartition(partitionLags, "ferry.sink.partition.lag", "Records of the partition not yet consumed", partition).set(lag);
    }

    private AtomicLong perPartition(Map<Integer, AtomicLong> holders, String name, String description, int partition) {
        return holders.computeIfAbsent(partition, p -> {
            AtomicLong holder = new AtomicLong();
            add(Gauge.builder(name, holder, AtomicLong::get).tag("partition", Integer.toString(p)).description(description)
                    .register(registry));
            return holder;
        });
    }

    void watermark(int partition, long revision) {
        watermarks.computeIfAbsent(partition, p -> {
            AtomicLong holder = new AtomicLong();
            add(Gauge.builder("ferry.sink.watermark", holder, AtomicLong::get).tag("partition", Integer.toString(p))
                    .description("The etcd revision through which the partition is applied").register(registry));
            return holder;
        }).set(revision);
    }

    @Override
    public void close() {
        synchronized (meters) {
            meters.forEach(registry::remove);
            meters.clear();
        }
    }
}
