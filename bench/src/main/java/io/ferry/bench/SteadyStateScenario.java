package io.ferry.bench;

import io.etcd.jetcd.KV;
import io.ferry.testkit.SqlDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steady state: first etcd's maximum write rate here (the {@link LoadMix} of {@code bench.steady.*},
 * single-key puts by default, many in flight, Ferry not running), then Ferry's watcher and sink
 * into PostgreSQL while the load generator writes the same mix at fixed fractions of that maximum.
 * For each step: etcd-ack-to-visible-in-SQL lag at p50, p99 and max, and the sustained rate
 * (writes / time until SQL reached the step's last revision). Rates count etcd operations: a
 * transaction is one write, whatever its keys.
 *
 * <p>Three modes. {@link Mode#IN_PROCESS} ({@code steady}) runs the watcher and the sink inside the
 * bench's JVM. {@link Mode#SHIPPED} ({@code shipped}) runs {@code bin/ferry run} as users start it,
 * after a warm-up long enough for its JIT (about 45 s of half a core in a fresh process), with a
 * step at 1,000 writes/s first; each step also records the CPU time of each process per write, in
 * core-microseconds: {@code ferry run}, etcd, the broker, the bench's JVM (the load generator), the
 * database servers, and the rest of the machine. {@link Mode#SHIPPED_SPLIT} ({@code shipped-split})
 * is the same with {@code bin/ferry watch} and {@code bin/ferry sink} as two processes, each with
 * its own CPU per write.
 */
final class SteadyStateScenario {

    /** Where Ferry runs. */
    enum Mode {
        IN_PROCESS("bench.steady", Duration.ofSeconds(5)),
        SHIPPED("bench.shipped", Duration.ofSeconds(45)),
        SHIPPED_SPLIT("bench.shipped.split", Duration.ofSeconds(45));

        final String topic;
        final Duration warmUp;

        Mode(String topic, Duration warmUp) {
            this.topic = topic;
            this.warmUp = warmUp;
        }

        /**
         * The uncounted warm-up; {@code -Dbench.shipped.warmup.seconds} changes the shipped modes', to
         * see what a fresh process's first minute costs.
         */
        Duration warmUp() {
            return shipped() ? Duration.ofSeconds(Long.getLong("bench.shipped.warmup.seconds", warmUp.toSeconds()))
                    : warmUp;
        }

        /** Whether Ferry runs through {@code bin/ferry}, in processes of its own. */
        boolean shipped() {
            return this != IN_PROCESS;
        }
    }

    /** The shipped mode's first step: the rate at which users first saw a long tail. */
    static final double SHIPPED_FIXED_RATE = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(SteadyStateScenario.class);
    static final String PREFIX = "/bench/steady/";
    private static final Duration MAX_RATE_PROBE = Duration.ofSeconds(10);
    /*
     * Run alone (bench.scenarios=watch or steady), the probe used to be the load generator's first
     * minute in a fresh JVM: jetcd's and gRPC's paths were still being compiled, the generator took
     * most of a core for a third of the rate, and the "maximum" measured the JIT, not etcd.
     */
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    /** Rate of the pipeline's uncounted warm-up, which lasts {@link #WARM_UP}, as a fraction of etcd's maximum. */
    private static final double WARM_UP_FRACTION = 0.25;
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(3);

    private final Stack stack;
    private final BenchSettings settings;
    private final Mode mode;
    private final List<LagPoint> timeline = new ArrayList<>();

    SteadyStateScenario(Stack stack, BenchSettings settings, Mode mode) {
        this.stack = stack;
        this.settings = settings;
        this.mode = mode;
    }

    List<LagPoint> timeline() {
        return timeline;
    }

    /**
     * etcd's maximum write rate here, in operations per second: writes of {@code mix} over {@code keys}
     * keys, as many in flight as the mix allows, for 10 s, with nothing of Ferry's running, after 5 s
     * of the same load that are not counted (the load generator's warm-up).
     */
    static double etcdMaxWriteRate(LoadGenerator generator, String prefix, int keys, int valueBytes, LoadMix mix)
            throws InterruptedException {
        generator.run(mix.profile(prefix, keys, valueBytes, 0, WARM_UP), AckListener.NONE);
        return generator.run(mix.profile(prefix, keys, valueBytes, 0, MAX_RATE_PROBE), AckListener.NONE)
                .opsPerSecond();
    }

    void run(ScenarioResult result) throws Exception {
        KV kv = stack.etcd.client().getKVClient();
        LoadGenerator generator = new LoadGenerator(kv);
        LoadMix mix = settings.steadyMix();
        generator.run(LoadProfile.bulk(PREFIX, settings.steadyKeys(), settings.valueBytes(), mix.binaryKeys()),
                AckListener.NONE);
        double etcdMax = etcdMaxWriteRate(generator, PREFIX, settings.steadyKeys(), settings.valueBytes(), mix);
        LOG.info("Steady state: etcd takes at most {} writes/s of {} here", Math.round(etcdMax), mix.describe());
        result.put("keys", settings.steadyKeys()).put("value_bytes", settings.valueBytes()).put("load", mix.describe())
                .put("delete_ratio", mix.deleteRatio()).put("txn_ratio", mix.txnRatio()).put("txn_keys", mix.txnKeys())
                .put("binary_keys", mix.binaryKeys()).put("in_flight", mix.inFlight())
                .put("etcd_max_writes_per_s", etcdMax).put("step_seconds", settings.steadySeconds())
                .put("warm_up_seconds", mode.warmUp().toSeconds());
        String topic = mode.topic;
        Path work = Files.createTempDirectory("ferry-bench-" + mode.name().toLowerCase(Locale.ROOT) + "-");
        try (SqlDatabase db = stack.database(SqlDatabase.Kind.POSTGRES);
             WatermarkProbe probe = new WatermarkProbe(db, topic)) {
            stack.createTopic(topic, FerryPipeline.PARTITIONS);
            MemoryWatch.reset();
            MeterRegistry registry = mode == Mode.IN_PROCESS ? SinkAgeHistogram.registry() : null;
            try (Replication pipeline = switch (mode) {
                case IN_PROCESS -> FerryPipeline.both(FerryPipeline.config(stack, PREFIX, topic, db, "bench-steady"),
                        registry);
                case SHIPPED -> ShippedFerry.run(stack, PREFIX, topic, db, work);
                case SHIPPED_SPLIT -> ShippedFerry.split(stack, PREFIX, topic, db, work);
            }) {
                probe.await(SnapshotScenario.currentRevision(kv), pipeline, Duration.ofMinutes(10));
                // Run alone, the first step measured the JIT compiling the watcher's and sink's paths
                // (p50 above 100 ms at 5% of etcd's maximum, against 29 ms after other scenarios); a
                // fresh ferry process compiles for about 45 s.
                LoadReport warmUp = generator.run(mix.profile(PREFIX, settings.steadyKeys(), settings.valueBytes(),
                        WARM_UP_FRACTION * etcdMax, mode.warmUp()), AckListener.NONE);
                probe.await(warmUp.lastRevision(), pipeline, DRAIN_LIMIT);
                AtomicReference<LagRecorder> current = new AtomicReference<>();
                AtomicBoolean sampling = new AtomicBoolean(true);
                Thread sampler = new Thread(() -> {
                    try (WatermarkProbe own = new WatermarkProbe(db, topic)) {
                        while (sampling.get()) {
                            long wm = own.minWatermark(FerryPipeline.PARTITIONS);
                            LagRecorder r = current.get();
                            // -1 is a failed query, not a watermark: it would break the recorder's
                            // binary search, which needs samples that never decrease.
                            if (r != null && wm >= 0) {
                                r.sample(System.nanoTime(), wm);
                            }
                            Thread.sleep(5);
                        }
                    } catch (Exception e) {
                        LOG.error("The watermark sampler stopped: {}", e.toString());
                    }
                }, "bench-watermark-sampler");
                sampler.start();
                List<Map<String, Object>> steps = new ArrayList<>();
                double bestKeptUp = 0;
                double sustainedAtMax = 0;
                double offset = 0;
                List<Double> rates = new ArrayList<>();
                if (mode.shipped()) {
                    rates.add(SHIPPED_FIXED_RATE);
                }
                settings.steadyFractions().forEach(f -> rates.add(f * etcdMax));
                try {
                    for (double rate : rates) {
                        double fraction = rate / etcdMax;
                        LagRecorder recorder = new LagRecorder();
                        current.set(recorder);
                        CpuUse cpuBefore = CpuUse.now();
                        LOG.info("Steady state: {} writes/s ({} of etcd's maximum) for {} s", Math.round(rate), fraction,
                                settings.steadySeconds());
                        long[] ageBefore = registry == null ? null : SinkAgeHistogram.counts(registry);
                        long start = System.nanoTime();
                        LoadReport load = generator.run(mix.profile(PREFIX, settings.steadyKeys(),
                                settings.valueBytes(), rate, Duration.ofSeconds(settings.steadySeconds())), recorder);
                        long loadEnd = System.nanoTime();
                        probe.await(load.lastRevision(), pipeline, DRAIN_LIMIT);
                        long visibleEnd = System.nanoTime();
                        Map<String, Double> cpuSeconds = CpuUse.now().secondsBetween(cpuBefore);
                        Thread.sleep(50); // let the sampler record the final watermark before the lags are read
                        current.set(null);
                        LagRecorder.Lags lags = recorder.lags();
                        double p50 = lags.quantileMs(0.50, start, Long.MAX_VALUE);
                        double p99 = lags.quantileMs(0.99, start, Long.MAX_VALUE);
                        double maxLag = lags.quantileMs(1.0, start, Long.MAX_VALUE);
                        double sustained = load.ops() / ((visibleEnd - start) / 1e9);
                        boolean etcdHeld = load.opsPerSecond() >= 0.95 * rate;
                        boolean keptUp = p99 < 250 && (visibleEnd - loadEnd) / 1e9 < 1.0;
                        if (keptUp) {
                            bestKeptUp = Math.max(bestKeptUp, load.opsPerSecond());
                        }
                        if (fraction >= 1.0) {
                            sustainedAtMax = sustained;
                        }
                        Map<String, Object> step = new LinkedHashMap<>();
                        step.put("fraction_of_etcd_max", fraction);
                        step.put("offered_writes_per_s", rate);
                        step.put("etcd_acked_writes_per_s", load.opsPerSecond());
                        step.put("etcd_held_the_rate", etcdHeld);
                        step.put("sustained_writes_per_s", sustained);
                        step.put("drain_after_load_s", (visibleEnd - loadEnd) / 1e9);
                        step.put("lag_p50_ms", p50);
                        step.put("lag_p99_ms", p99);
                        step.put("lag_max_ms", maxLag);
                        step.put("writes_never_seen", lags.unseen());
                        if (registry != null) {
                            long[] ageAfter = SinkAgeHistogram.counts(registry);
                            step.put("sink_age_p50_ms_at_most", SinkAgeHistogram.quantileMs(ageBefore, ageAfter, 0.5));
                            step.put("sink_age_p99_ms_at_most", SinkAgeHistogram.quantileMs(ageBefore, ageAfter, 0.99));
                        }
                        step.put("cpu_core_us_per_write", CpuPerWrite.of(cpuSeconds, load.ops()));
                        step.put("kept_up", keptUp);
                        steps.add(step);
                        for (int s = 0; s < settings.steadySeconds() + 1; s++) {
                            long from = start + s * 1_000_000_000L;
                            long to = from + 1_000_000_000L;
                            double q50 = lags.quantileMs(0.5, from, to);
                            if (!Double.isNaN(q50)) {
                                timeline.add(new LagPoint(offset + s, q50, lags.quantileMs(0.99, from, to),
                                        lags.quantileMs(1.0, from, to), rate));
                            }
                        }
                        offset += settings.steadySeconds() + 2;
                        LOG.info("Steady state at {} writes/s: lag p50 {} ms, p99 {} ms, max {} ms, sustained {} writes/s",
                                Math.round(rate), Math.round(p50), Math.round(p99), Math.round(maxLag),
                                Math.round(sustained));
                    }
                } finally {
                    sampling.set(false);
                    sampler.join(5000);
                }
                result.put("steps", steps);
                result.put("bench_jvm_peak_heap_mib", MemoryWatch.peakHeapMiB());
                result.put("bench_jvm_peak_rss_mib", MemoryWatch.peakRssMiB("self"));
                String who = switch (mode) {
                    case IN_PROCESS -> "";
                    case SHIPPED -> "ferry run: ";
                    case SHIPPED_SPLIT -> "ferry watch + ferry sink: ";
                };
                result.ratioAtLeast(who + "highest rate kept up with p99 < 250 ms / etcd max write rate", bestKeptUp / etcdMax,
                        1.0);
                String cost = "";
                if (mode == Mode.SHIPPED) {
                    result.put("ferry_run_log", work.resolve(ShippedFerry.log("run")).toString());
                    cost = shippedRatios(result, steps.get(0), "ferry run", "its", List.of("ferry"));
                } else if (mode == Mode.SHIPPED_SPLIT) {
                    result.put("ferry_watch_log", work.resolve(ShippedFerry.log("watch")).toString());
                    result.put("ferry_sink_log", work.resolve(ShippedFerry.log("sink")).toString());
                    cost = shippedRatios(result, steps.get(0), "ferry watch + ferry sink", "their",
                            List.of("ferry_watch", "ferry_sink"));
                }
                if (sustainedAtMax > 0) {
                    result.ratio("sustained rate with etcd written at its max / etcd max write rate", sustainedAtMax / etcdMax);
                }
                StringBuilder s = new StringBuilder();
                for (Map<String, Object> step : steps) {
                    s.append(String.format(Locale.ROOT, "%.0f/s: p50 %.0f ms p99 %.0f ms max %.0f ms%s; ",
                            (Double) step.get("offered_writes_per_s"), (Double) step.get("lag_p50_ms"),
                            (Double) step.get("lag_p99_ms"), (Double) step.get("lag_max_ms"),
                            (Boolean) step.get("kept_up") ? "" : " (behind)"));
                }
                result.summary("%s (%s), etcd max %.0f writes/s; kept up to %.2fx of it; %s%s",
                        switch (mode) {
                            case IN_PROCESS -> "steady state";
                            case SHIPPED -> "ferry run as shipped";
                            case SHIPPED_SPLIT -> "ferry watch + ferry sink as shipped";
                        }, mix.describe(), etcdMax,
                        bestKeptUp / etcdMax, s.toString().trim(), cost);
            }
        }
    }

    /**
     * The shipped modes' targets, at their 1,000 writes/s step: lag p99 under 250 ms, and Ferry's processes
     * ({@code ferry run}, or {@code ferry watch} and {@code ferry sink}) together at most half of etcd's CPU per write.
     * {@code who} names them in the labels, {@code processes} are their names in {@link CpuUse}. Returns the CPU
     * figures for the summary.
     */
    @SuppressWarnings("unchecked")
    private static String shippedRatios(ScenarioResult result, Map<String, Object> step, String who, String their,
            List<String> processes) {
        result.ratioAtMost(who + " at 1,000 writes/s: lag p99 / 250 ms", (Double) step.get("lag_p99_ms") / 250, 1.0);
        Map<String, Double> cpu = (Map<String, Double>) step.get("cpu_core_us_per_write");
        Double etcd = cpu.get("etcd");
        if (etcd == null || etcd <= 0 || !cpu.keySet().containsAll(processes)) {
            return "";
        }
        double ferry = 0;
        List<String> each = new ArrayList<>();
        for (String process : processes) {
            ferry += cpu.get(process);
            each.add(String.format(Locale.ROOT, "%s %.0f", process.replace('_', ' '), cpu.get(process)));
        }
        result.ratioAtMost(who + " at 1,000 writes/s: " + their + " CPU per write / etcd's CPU per write", ferry / etcd,
                0.5);
        return String.format(Locale.ROOT, " CPU per write at 1,000/s (core-us): %s, etcd %.0f, broker %.0f, "
                + "load generator %.0f, %s, others %.0f", String.join(" + ", each), etcd,
                cpu.getOrDefault("kafka_broker", Double.NaN), cpu.getOrDefault("bench_jvm", Double.NaN), databases(cpu),
                cpu.getOrDefault("others", Double.NaN));
    }

    /** The database servers' CPU per write for a summary: PostgreSQL's, and MariaDB's when it ran. */
    private static String databases(Map<String, Double> cpu) {
        String s = String.format(Locale.ROOT, "postgres server %.0f", cpu.getOrDefault("postgres_server", Double.NaN));
        Double mariadb = cpu.get("mariadb_server");
        return mariadb == null ? s : s + String.format(Locale.ROOT, ", mariadb server %.0f", mariadb);
    }
}
