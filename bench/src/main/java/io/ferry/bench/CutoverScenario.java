package io.ferry.bench;

import io.etcd.jetcd.KV;
import io.ferry.testkit.SqlDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cutover downtime at several key counts, with the packaged {@code ferry} command as child
 * processes, as an operator runs it: {@code ferry run -c ferry.yaml} replicates a freshly loaded
 * prefix into PostgreSQL, then {@code ferry cutover -c ferry.yaml} (freeze by marker) prints its
 * downtime, freeze to switch. The peak RSS of both processes is sampled while they run, and their
 * peak heap read from their GC logs afterwards: the memory figures of the packaged command, run
 * with {@code bench.ferry.jvm.args} (a fixed heap by default). Downtime compares the largest run
 * with the smallest; memory compares the largest with each smaller one ({@link #memoryRatios}).
 */
final class CutoverScenario {

    private static final Logger LOG = LoggerFactory.getLogger(CutoverScenario.class);
    private static final Pattern DOWNTIME = Pattern.compile("Downtime \\(freeze to switch\\): (\\d+) ms");

    private final Stack stack;
    private final BenchSettings settings;

    CutoverScenario(Stack stack, BenchSettings settings) {
        this.stack = stack;
        this.settings = settings;
    }

    private static final int LIVE_HEAP_PERIOD_S = 10;
    static final int MEMORY_BASELINE_MIN_KEYS = 100_000;

    void run(ScenarioResult result) throws Exception {
        Path jar = settings.ferryJar().toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the cutover scenario runs the packaged command, " + jar
                    + ", which is missing: build it with `mvn -pl cli -am package -DskipTests` (bench/run does)");
        }
        KV kv = stack.etcd.client().getKVClient();
        List<Map<String, Object>> runs = new ArrayList<>();
        Path work = Files.createTempDirectory("ferry-bench-cutover-");
        for (int keys : settings.cutoverKeys()) {
            String prefix = "/bench/cutover-" + keys + "/";
            String topic = "bench.cutover." + keys;
            LOG.info("Cutover: {} keys", keys);
            LoadReport load = new LoadGenerator(kv).run(LoadProfile.bulk(prefix, keys, settings.valueBytes(), false),
                    AckListener.NONE);
            if (load.keysWritten() != keys) {
                throw new IllegalStateException("the bulk load of " + prefix + " wrote " + load.keysWritten() + " of " + keys);
            }
            long revision = SnapshotScenario.currentRevision(kv);
            try (SqlDatabase db = stack.database(SqlDatabase.Kind.POSTGRES);
                 WatermarkProbe probe = new WatermarkProbe(db, topic)) {
                Path config = work.resolve("ferry-" + keys + ".yaml");
                Files.writeString(config, FerryYaml.of(stack, prefix, topic, db));
                // The topic is made first: a sink that subscribes before the watcher has created it
                // waited for minutes in the first runs of this bench (reported with the results).
                stack.createTopic(topic, FerryPipeline.PARTITIONS);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("keys", keys);
                long start = System.nanoTime();
                Path runGc = work.resolve("gc-run-" + keys + ".log");
                Path cutGc = work.resolve("gc-cutover-" + keys + ".log");
                try (ChildJvm run = ChildJvm.start(jvmArgs(runGc), List.of("-jar", jar.toString(), "run", "-c",
                        config.toString()), work.resolve("run-" + keys + ".log"), line -> { })) {
                    double live = awaitVisible(probe, revision, run, work.resolve("run-" + keys + ".log"));
                    m.put("ferry_run_snapshot_seconds", (System.nanoTime() - start) / 1e9);
                    m.put("run_live_heap_after_copy_mib", run.liveHeapMiB());
                    m.put("run_live_heap_during_copy_mib", live);
                    ChildJvm cut = ChildJvm.start(jvmArgs(cutGc), List.of("-jar", jar.toString(), "cutover", "-c",
                            config.toString()), null, line -> LOG.info("[cutover {}] {}", keys, line));
                    int code = cut.await(600, "ferry cutover");
                    String out = String.join("\n", cut.output());
                    Matcher d = DOWNTIME.matcher(out);
                    if (code != 0 || !d.find()) {
                        throw new IllegalStateException("ferry cutover exited with " + code
                                + " without reporting its downtime:\n" + out);
                    }
                    m.put("downtime_ms", Long.parseLong(d.group(1)));
                    m.put("cutover_peak_rss_mib", cut.peakRssMiB());
                    m.put("run_peak_rss_mib", run.peakRssMiB());
                }
                // ferry run has exited (close waits for it), so its GC log is complete.
                heap(m, "run", GcLog.read(runGc));
                heap(m, "cutover", GcLog.read(cutGc));
                runs.add(m);
            }
        }
        result.put("runs", runs).put("freeze", "marker; no writers during the cutover").put("jvm_options",
                settings.ferryJvmArgs().isEmpty() ? "defaults (no -Xmx)" : String.join(" ", settings.ferryJvmArgs()));
        Map<String, Object> small = runs.get(0);
        Map<String, Object> large = runs.get(runs.size() - 1);
        double ratio = ((Long) large.get("downtime_ms")).doubleValue() / Math.max(1, (Long) small.get("downtime_ms"));
        result.ratioAtMost(String.format(Locale.ROOT, "downtime at %,d keys / downtime at %,d keys",
                (Integer) large.get("keys"), (Integer) small.get("keys")), ratio, 1.25);
        for (Map<String, Object> baseline : runs.subList(0, runs.size() - 1)) {
            memoryRatios(result, large, baseline);
        }
        StringBuilder s = new StringBuilder();
        for (Map<String, Object> r : runs) {
            s.append(String.format(Locale.ROOT, "%,d keys: downtime %d ms, ferry run peak RSS %.0f MiB (heap used %.0f, "
                    + "after a young GC %.0f, live %.0f during the copy and %.0f after it), cutover RSS %.0f MiB "
                    + "(heap %.0f); ", (Integer) r.get("keys"), (Long) r.get("downtime_ms"), (Double) r.get("run_peak_rss_mib"),
                    (Double) r.get("run_peak_heap_used_mib"), (Double) r.get("run_peak_heap_live_mib"),
                    (Double) r.get("run_live_heap_during_copy_mib"), (Double) r.get("run_live_heap_after_copy_mib"), (Double) r.get("cutover_peak_rss_mib"),
                    (Double) r.get("cutover_peak_heap_used_mib")));
        }
        result.summary("cutover (ferry JVMs: %s): %s ratio %.2f", result.get("jvm_options"), s.toString().trim(), ratio);
    }

    /**
     * Memory of the largest run against a smaller one. A copy of fewer than
     * {@value #MEMORY_BASELINE_MIN_KEYS} keys is over in about a second, before the pipeline's
     * buffers (two snapshot pages of up to 10,000 keys, the producer's 32 MiB, the sink's batches of
     * 5,000 records) have filled, so its memory is the process's start-up, not what it needs to
     * copy: against such a run the ratios are reported without a target.
     */
    private static void memoryRatios(ScenarioResult result, Map<String, Object> large, Map<String, Object> baseline) {
        String versus = String.format(Locale.ROOT, " at %,d keys / at %,d keys", (Integer) large.get("keys"),
                (Integer) baseline.get("keys"));
        boolean judged = (Integer) baseline.get("keys") >= MEMORY_BASELINE_MIN_KEYS;
        Map<String, String> measures = new LinkedHashMap<>();
        measures.put("run_peak_rss_mib", "ferry run peak RSS");
        measures.put("run_peak_heap_used_mib", "ferry run peak heap used");
        // What it keeps once the copy is done is what would grow if anything were kept per key.
        measures.put("run_live_heap_after_copy_mib", "ferry run live heap after the copy (objects left by a full GC)");
        measures.put("cutover_peak_rss_mib", "ferry cutover peak RSS");
        measures.put("cutover_peak_heap_used_mib", "ferry cutover peak heap used");
        for (Map.Entry<String, String> m : measures.entrySet()) {
            double r = (Double) large.get(m.getKey()) / Math.max(1, (Double) baseline.get(m.getKey()));
            if (judged) {
                result.ratioAtMost(m.getValue() + versus, r, 1.25);
            } else {
                result.ratio(m.getValue() + versus, r);
            }
        }
        if (judged) {
            // During the copy the live heap also holds the in-flight pages, batches and buffers.
            result.ratio(String.format(Locale.ROOT, "ferry run largest live heap during the copy (a full GC every %d s) "
                    + "at %,d keys / live heap after the copy at %,d keys", LIVE_HEAP_PERIOD_S, (Integer) large.get("keys"),
                    (Integer) baseline.get("keys")), Math.max(
                    (Double) large.get("run_live_heap_during_copy_mib"), (Double) large.get("run_live_heap_after_copy_mib"))
                    / Math.max(1, (Double) baseline.get("run_live_heap_after_copy_mib")));
        }
    }

    /** The child's JVM options: the configured ones, and a GC log from which its heap peaks are read. */
    private List<String> jvmArgs(Path gcLog) {
        List<String> args = new ArrayList<>(settings.ferryJvmArgs());
        args.add(GcLog.option(gcLog));
        return args;
    }

    private static void heap(Map<String, Object> m, String process, GcLog.Peaks peaks) {
        m.put(process + "_peak_heap_used_mib", peaks.peakUsedMiB());
        m.put(process + "_peak_heap_live_mib", peaks.peakLiveMiB());
        m.put(process + "_peak_heap_committed_mib", peaks.peakCommittedMiB());
        m.put(process + "_gc_pauses", peaks.collections());
    }

    /**
     * Waits until SQL holds the copy; returns the largest live heap of {@code ferry run} sampled
     * (a full collection) every {@value #LIVE_HEAP_PERIOD_S} s meanwhile, 0 if the copy was quicker.
     * The copy is not what this scenario times, so those collections cost it nothing it reports.
     */
    private static double awaitVisible(WatermarkProbe probe, long revision, ChildJvm run, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        long nextSample = System.nanoTime() + Duration.ofSeconds(LIVE_HEAP_PERIOD_S).toNanos();
        double live = 0;
        while (probe.minWatermark(FerryPipeline.PARTITIONS) < revision) {
            if (!run.alive()) {
                throw new IllegalStateException("ferry run exited before SQL reached revision " + revision + "; its log: " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ferry run did not bring SQL to revision " + revision
                        + " within 20 minutes; its log: " + log);
            }
            if (System.nanoTime() > nextSample) {
                live = Math.max(live, run.liveHeapMiB());
                nextSample = System.nanoTime() + Duration.ofSeconds(LIVE_HEAP_PERIOD_S).toNanos();
            }
            Thread.sleep(50); // polling the stored watermark is the measurement
        }
        return live;
    }
}
