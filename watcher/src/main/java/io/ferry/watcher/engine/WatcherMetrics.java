package io.ferry.watcher.engine;

import io.ferry.core.event.Op;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The watcher's meters, all named {@code ferry.watcher.*}; removed from the registry on close. */
final class WatcherMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final AtomicLong etcdRevision = new AtomicLong();
    private final AtomicLong producedRevision = new AtomicLong();
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong snapshotDone = new AtomicLong();
    private final AtomicLong snapshotTotal = new AtomicLong();
    private volatile long snapshotStartNanos;
    private final Map<Op, Counter> events = new EnumMap<>(Op.class);
    private final Counter compactions;
    private final Counter progressViolations;
    private final Timer commit;

    WatcherMetrics(MeterRegistry registry) {
        this.registry = registry;
        gauge("ferry.watcher.etcd.revision", "Newest etcd revision the watcher has seen", etcdRevision);
        gauge("ferry.watcher.produced.revision", "etcd revision up to which every change is committed to Kafka",
                producedRevision);
        meters.add(Gauge.builder("ferry.watcher.revision.lag", this, m -> Math.max(0,
                        m.etcdRevision.get() - m.producedRevision.get()))
                .description("etcd revisions not yet committed to Kafka").register(registry));
        gauge("ferry.watcher.epoch", "Snapshot epoch in force", epoch);
        gauge("ferry.watcher.snapshot.keys.done", "Keys copied by the snapshot in progress or the last one",
                snapshotDone);
        gauge("ferry.watcher.snapshot.keys.total", "Keys the snapshot in progress or the last one has to copy",
                snapshotTotal);
        meters.add(Gauge.builder("ferry.watcher.snapshot.eta", this, WatcherMetrics::etaSeconds)
                .description("Estimated seconds until the snapshot in progress completes").baseUnit("seconds")
                .register(registry));
        for (Op op : Op.values()) {
            Counter c = Counter.builder("ferry.watcher.events").tag("op", op.code())
                    .description("Change events produced, by op").register(registry);
            events.put(op, c);
            meters.add(c);
        }
        compactions = Counter.builder("ferry.watcher.compactions.recovered")
                .description("Re-snapshots after etcd compacted the revision the watch needed").register(registry);
        progressViolations = Counter.builder("ferry.watcher.progress.violations")
                .description("Events etcd delivered at or below a revision its progress notification had confirmed")
                .register(registry);
        // Histogram buckets, so that Prometheus can compute the p99 across instances (histogram_quantile).
        commit = Timer.builder("ferry.watcher.transaction.commit")
                .description("Time to commit one Kafka transaction")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        meters.add(compactions);
        meters.add(progressViolations);
        meters.add(commit);
    }

    private void gauge(String name, String description, AtomicLong value) {
        meters.add(Gauge.builder(name, value, AtomicLong::get).description(description).register(registry));
    }

    private double etaSeconds() {
        long done = snapshotDone.get();
        long total = snapshotTotal.get();
        if (done <= 0 || done >= total) {
            return 0;
        }
        double elapsed = (System.nanoTime() - snapshotStartNanos) / 1e9;
        return elapsed / done * (total - done);
    }

    void etcdRevision(long revision) {
        etcdRevision.accumulateAndGet(revision, Math::max);
    }

    void producedRevision(long revision) {
        producedRevision.set(revision);
        etcdRevision(revision);
    }

    long producedRevision() {
        return producedRevision.get();
    }

    void epoch(long value) {
        epoch.set(value);
    }

    void snapshotStarted(long totalKeys) {
        snapshotStartNanos = System.nanoTime();
        snapshotDone.set(0);
        snapshotTotal.set(totalKeys);
    }

    void snapshotKeys(int n) {
        snapshotDone.addAndGet(n);
    }

    void event(Op op) {
        events.get(op).increment();
    }

    void compactionRecovered() {
        compactions.increment();
    }

    void progressViolation() {
        progressViolations.increment();
    }

    void commitTook(long nanos) {
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Names of every meter, for documentation and tests. */
    List<String> names() {
        return meters.stream().map(m -> m.getId().getName().toLowerCase(Locale.ROOT)).distinct().toList();
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
