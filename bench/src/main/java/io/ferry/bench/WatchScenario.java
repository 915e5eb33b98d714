package io.ferry.bench;

import io.etcd.jetcd.KV;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watcher keep-up (issue 3): first etcd's maximum write rate here (as in the steady state), then
 * the watcher alone, publishing to Kafka, while the load generator writes at that rate. Delivered
 * means committed to Kafka: the watcher's checkpoint, read back read-committed, is sampled every
 * few milliseconds, and the change records of the load are counted in the topic afterwards. The
 * ratio is the delivered rate (changes / time from the load's start until Kafka holds its last
 * revision) over etcd's maximum; with it, the lag behind etcd in revisions and the drain time
 * after the load.
 */
final class WatchScenario {

    private static final Logger LOG = LoggerFactory.getLogger(WatchScenario.class);
    static final String PREFIX = "/bench/watch/";
    static final String TOPIC = "bench.watch";
    static final double KEEP_UP = 0.95;
    /** Longest drain after the load that still counts as bounded lag, as in the steady state. */
    static final double MAX_DRAIN_S = 1.0;
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(3);

    private final Stack stack;
    private final BenchSettings settings;

    WatchScenario(Stack stack, BenchSettings settings) {
        this.stack = stack;
        this.settings = settings;
    }

    void run(ScenarioResult result) throws Exception {
        KV kv = stack.etcd.client().getKVClient();
        LoadGenerator generator = new LoadGenerator(kv);
        int keys = settings.steadyKeys();
        generator.run(LoadProfile.bulk(PREFIX, keys, settings.valueBytes(), false), AckListener.NONE);
        CpuUse probeStart = CpuUse.now();
        double etcdMax = SteadyStateScenario.etcdMaxWriteRate(generator, PREFIX, keys, settings.valueBytes(),
                LoadMix.PUTS);
        result.put("cores_used_at_etcd_max_alone", CpuUse.now().coresBetween(probeStart));
        LOG.info("Watch: etcd takes at most {} puts/s here; now the watcher alone at that rate for {} s",
                Math.round(etcdMax), settings.steadySeconds());
        result.put("keys", keys).put("value_bytes", settings.valueBytes()).put("etcd_max_puts_per_s", etcdMax)
                .put("load_seconds", settings.steadySeconds());
        stack.createTopic(TOPIC, FerryPipeline.PARTITIONS);
        MeterRegistry registry = new SimpleMeterRegistry();
        MemoryWatch.reset();
        try (FerryPipeline watcher = FerryPipeline.watcherOnly(FerryPipeline.watcherConfig(stack, PREFIX, TOPIC), registry)) {
            if (!watcher.awaitStreaming(Duration.ofMinutes(5))) {
                watcher.check();
                throw new IllegalStateException("the watcher did not finish its snapshot of " + keys + " keys in 5 minutes");
            }
            try (DeliveredSampler sampler = new DeliveredSampler(new CheckpointProbe(stack, TOPIC))) {
                sampler.await(SnapshotScenario.currentRevision(kv), watcher, Duration.ofMinutes(1));
                Timer commits = registry.find("ferry.watcher.transaction.commit").timer();
                long commitsBefore = commits == null ? 0 : commits.count();
                double commitNanosBefore = commits == null ? 0 : commits.totalTime(TimeUnit.NANOSECONDS);
                LagRecorder recorder = new LagRecorder();
                sampler.recordInto(recorder);
                CpuUse cpuStart = CpuUse.now();
                long start = System.nanoTime();
                LoadReport load = generator.run(LoadMix.PUTS.profile(PREFIX, keys, settings.valueBytes(), etcdMax,
                        Duration.ofSeconds(settings.steadySeconds())),
                        (revision, nanos) -> {
                            sampler.acked(revision);
                            recorder.acked(revision, nanos);
                        });
                long loadEnd = System.nanoTime();
                long lagAtEnd = load.lastRevision() - sampler.delivered();
                long visibleEnd = sampler.await(load.lastRevision(), watcher, DRAIN_LIMIT);
                sampler.recordInto(null);
                Map<String, Double> cores = CpuUse.now().coresBetween(cpuStart);
                long commitCount = commits == null ? 0 : commits.count() - commitsBefore;
                double commitMs = commits == null || commitCount == 0 ? 0
                        : (commits.totalTime(TimeUnit.NANOSECONDS) - commitNanosBefore) / commitCount / 1e6;
                long delivered = CheckpointProbe.countChanges(stack, TOPIC, FerryPipeline.PARTITIONS,
                        load.firstRevision(), load.lastRevision(), Duration.ofMinutes(2));
                if (delivered != load.keysWritten()) {
                    throw new IllegalStateException("Kafka holds " + delivered + " changes of revisions "
                            + load.firstRevision() + ".." + load.lastRevision() + ", but etcd acknowledged "
                            + load.keysWritten() + " puts");
                }
                double seconds = (visibleEnd - start) / 1e9;
                double drain = Math.max(0, (visibleEnd - loadEnd) / 1e9);
                double rate = delivered / seconds;
                LagRecorder.Lags lags = recorder.lags();
                result.put("offered_puts_per_s", etcdMax);
                result.put("etcd_acked_puts_per_s", load.keysPerSecond());
                result.put("etcd_acked_fraction_of_max", load.keysPerSecond() / etcdMax);
                result.put("changes_delivered_to_kafka", delivered);
                result.put("delivered_changes_per_s", rate);
                result.put("lag_at_load_end_revisions", lagAtEnd);
                result.put("lag_max_revisions", sampler.maxLag());
                result.put("lag_max_revisions_per_second", sampler.maxLagPerSecond(start));
                result.put("drain_after_load_s", drain);
                result.put("ack_to_kafka_p50_ms", lags.quantileMs(0.5, start, Long.MAX_VALUE));
                result.put("ack_to_kafka_p99_ms", lags.quantileMs(0.99, start, Long.MAX_VALUE));
                result.put("ack_to_kafka_max_ms", lags.quantileMs(1.0, start, Long.MAX_VALUE));
                result.put("watcher_transactions", commitCount);
                result.put("watcher_changes_per_transaction", commitCount == 0 ? 0 : (double) delivered / commitCount);
                result.put("watcher_commit_mean_ms", commitMs);
                result.put("cores_used_with_the_watcher", cores);
                result.put("bench_jvm_peak_heap_mib", MemoryWatch.peakHeapMiB());
                result.put("bench_jvm_peak_rss_mib", MemoryWatch.peakRssMiB("self"));
                double ratio = rate / etcdMax;
                boolean bounded = drain <= MAX_DRAIN_S;
                result.put("kept_up", ratio >= KEEP_UP && bounded);
                result.ratioAtLeast("watcher-delivered changes/s (counted in Kafka) / etcd max write rate", ratio, KEEP_UP);
                result.ratio("watcher-delivered changes/s / etcd's acknowledged puts/s in the same run",
                        rate / load.keysPerSecond());
                result.summary("watcher alone at etcd's max (%.0f puts/s, etcd acked %.0f/s = %.2fx): %.0f changes/s "
                        + "delivered to Kafka = %.2fx etcd max; lag at load end %d revisions, max %d; drain %.2f s%s; "
                        + "ack to Kafka p50 %.0f ms p99 %.0f ms", etcdMax, load.keysPerSecond(),
                        load.keysPerSecond() / etcdMax, rate, ratio, lagAtEnd, sampler.maxLag(), drain,
                        ratio >= KEEP_UP && bounded ? " (kept up)" : " (behind)",
                        lags.quantileMs(0.5, start, Long.MAX_VALUE), lags.quantileMs(0.99, start, Long.MAX_VALUE));
            }
        }
    }
}
