package io.ferry.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.SqlDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot: N keys of one value size loaded into etcd, then Ferry's watcher and sink started on an
 * empty database; the time until SQL holds the whole prefix at the load's revision (its lowest
 * watermark reaches it and the row count is N). References of the same run: a raw paged etcd read
 * of the prefix (the watcher's default pages, just before each copy) and the database's server-side
 * {@code INSERT ... SELECT} of the same rows. Run once per key count of {@code bench.snapshot.keys}
 * and value size of {@code bench.snapshot.value.bytes}, each pass under its own prefix and topics.
 * The base pass ({@code bench.keys} of {@code bench.value.bytes}) copies into SQLite and
 * PostgreSQL and feeds the replay and reconcile scenarios; the other passes copy into PostgreSQL
 * only, since at 1M keys each copy (and the raw read before it) takes minutes of a run that must
 * stay within 30.
 */
final class SnapshotScenario {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotScenario.class);
    static final String PREFIX = "/bench/snapshot/";

    private final Stack stack;
    private final BenchSettings settings;

    SnapshotScenario(Stack stack, BenchSettings settings) {
        this.stack = stack;
        this.settings = settings;
    }

    /**
     * Runs {@code n} keys with values of {@code valueBytes}. The base pass copies into SQLite then
     * PostgreSQL and returns the PostgreSQL copy, still open, for the next scenarios; another pass
     * copies into PostgreSQL alone, closes it and returns null.
     */
    Snapshot run(ScenarioResult result, int n, int valueBytes) throws Exception {
        KV kv = stack.etcd.client().getKVClient();
        boolean base = n == settings.keys() && valueBytes == settings.valueBytes();
        String prefix = base ? PREFIX : "/bench/snapshot-" + n + "-" + valueBytes + "/";
        String size = label(n, valueBytes);
        List<SqlDatabase.Kind> databases = base ? List.of(SqlDatabase.Kind.SQLITE, SqlDatabase.Kind.POSTGRES)
                : List.of(SqlDatabase.Kind.POSTGRES);
        LOG.info("Snapshot: loading {} keys of {} B into etcd", n, valueBytes);
        LoadReport load = new LoadGenerator(kv).run(LoadProfile.bulk(prefix, n, valueBytes, false),
                AckListener.NONE);
        if (load.keysWritten() != n) {
            throw new IllegalStateException("the bulk load wrote " + load.keysWritten() + " of " + n + " keys ("
                    + load.failed() + " transactions failed); see the warnings above");
        }
        long revision = currentRevision(kv);
        result.put("keys", n).put("value_bytes", valueBytes).put("prefix", prefix).put("etcd_revision", revision)
                .put("etcd_bulk_load_keys_per_s", load.keysPerSecond());
        Snapshot kept = null;
        StringBuilder summary = new StringBuilder();
        for (SqlDatabase.Kind kind : databases) {
            String name = kind.name().toLowerCase(Locale.ROOT);
            RawRangeRead.Result raw = RawRangeRead.read(kv, prefix, revision);
            SqlDatabase db = stack.database(kind);
            String topic = "bench.snapshot." + name + (base ? "" : "." + n + "." + valueBytes);
            stack.createTopic(topic, FerryPipeline.PARTITIONS);
            FerryConfig config = FerryPipeline.config(stack, prefix, topic, db, "bench-snapshot");
            MemoryWatch.reset();
            double seconds;
            long rows;
            CpuUse cpuBefore;
            CpuUse cpuAfter;
            try (WatermarkProbe probe = new WatermarkProbe(db, topic)) {
                cpuBefore = CpuUse.now();
                long start = System.nanoTime();
                try (FerryPipeline pipeline = FerryPipeline.both(config, new SimpleMeterRegistry())) {
                    probe.await(revision, pipeline, Duration.ofMinutes(20));
                    seconds = (System.nanoTime() - start) / 1e9;
                    cpuAfter = CpuUse.now();
                }
                rows = probe.count("etcd_kv");
            }
            if (rows != n) {
                throw new IllegalStateException(name + " holds " + rows + " rows after the snapshot, not " + n);
            }
            double heap = MemoryWatch.peakHeapMiB();
            double rss = MemoryWatch.peakRssMiB("self");
            ServerSideLimits.Rates limits = ServerSideLimits.measure(db, "etcd_kv");
            double ferryRate = n / seconds;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ferry_seconds", seconds);
            m.put("ferry_keys_per_s", ferryRate);
            m.put("raw_etcd_read_seconds", raw.seconds());
            m.put("raw_etcd_read_keys_per_s", raw.keysPerSecond());
            m.put("server_insert_select_rows_per_s", limits.insertRowsPerSecond());
            m.put("bench_jvm_peak_heap_mib", heap);
            m.put("bench_jvm_peak_rss_mib", rss);
            // Where the cores went during the copy: the bench JVM is the watcher and the sink.
            m.put("cpu_core_us_per_key", CpuPerWrite.of(cpuAfter.secondsBetween(cpuBefore), n));
            m.put("busy_cores", cpuAfter.coresBetween(cpuBefore).get("machine"));
            result.put(name, m);
            double vsRaw = ferryRate / raw.keysPerSecond();
            double vsInsert = ferryRate / limits.insertRowsPerSecond();
            result.ratioAtLeast(name + ", " + size + ": Ferry snapshot rate / raw paged etcd read", vsRaw,
                    n >= 1_000_000 ? 0.75 : 0.5);
            result.ratio(name + ", " + size + ": Ferry snapshot rate / server-side INSERT ... SELECT", vsInsert);
            summary.append(String.format(Locale.ROOT, "%s %.1f s = %.2fx raw etcd read, %.2fx INSERT...SELECT; ",
                    name, seconds, vsRaw, vsInsert));
            if (kind == SqlDatabase.Kind.POSTGRES && base) {
                kept = new Snapshot(prefix, n, revision, topic, db);
            } else {
                db.close();
            }
        }
        result.summary("snapshot of %s: %s", size, summary.toString().trim());
        return kept;
    }

    /** "1M keys x 256 B", "100k keys x 1 KiB". */
    static String label(int keys, int valueBytes) {
        String count = keys >= 1_000_000 && keys % 1_000_000 == 0 ? keys / 1_000_000 + "M"
                : keys >= 1000 && keys % 1000 == 0 ? keys / 1000 + "k" : String.format(Locale.ROOT, "%,d", keys);
        return count + " keys x " + sizeLabel(valueBytes);
    }

    /** "256 B", "1 KiB". */
    static String sizeLabel(int bytes) {
        return bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    static long currentRevision(KV kv) throws Exception {
        return kv.get(ByteSequence.from(new byte[] {0}), GetOption.builder().withCountOnly(true).build())
                .get(30, TimeUnit.SECONDS).getHeader().getRevision();
    }
}
