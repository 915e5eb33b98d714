package io.ferry.bench;

import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.SqlDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replay: the snapshot's change topic, already in Kafka, applied by Ferry's {@code JdbcSink}
 * alone into an empty PostgreSQL, MariaDB and SQLite database, timed from the sink's first commit
 * (start-up and group join excluded, and the rows of that commit with them) until its watermark
 * reaches the snapshot revision. References of the same run, in the same database:
 * the server-side {@code INSERT ... SELECT} (insert limit) and guarded upsert (upsert limit) of
 * the rows the sink wrote.
 */
final class ReplayScenario {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayScenario.class);

    private final Stack stack;

    ReplayScenario(Stack stack) {
        this.stack = stack;
    }

    void run(Snapshot snapshot, ScenarioResult result) throws Exception {
        result.put("records", snapshot.keys()).put("topic", snapshot.topic());
        StringBuilder summary = new StringBuilder();
        for (SqlDatabase.Kind kind : List.of(SqlDatabase.Kind.POSTGRES, SqlDatabase.Kind.MARIADB, SqlDatabase.Kind.SQLITE)) {
            String name = kind.name().toLowerCase(Locale.ROOT);
            LOG.info("Replay: {} records of {} into {}", snapshot.keys(), snapshot.topic(), name);
            try (SqlDatabase db = stack.database(kind)) {
                FerryConfig config = FerryPipeline.config(stack, snapshot.prefix(), snapshot.topic(), db,
                        "bench-replay-" + name);
                MemoryWatch.reset();
                double seconds;
                long rows;
                double untimed;
                CpuUse cpuBefore;
                CpuUse cpuAfter;
                try (WatermarkProbe probe = new WatermarkProbe(db, snapshot.topic())) {
                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    try (FerryPipeline sink = FerryPipeline.sinkOnly(config, registry)) {
                        // The clock starts at the first commit: the pool, schema migration and group
                        // join before it are start-up, not the replay rate. That first commit's rows
                        // are left out of the rate along with its time.
                        untimed = awaitFirstApplied(registry, sink, Duration.ofMinutes(5));
                        cpuBefore = CpuUse.now();
                        long start = System.nanoTime();
                        probe.await(snapshot.revision(), sink, Duration.ofMinutes(20));
                        seconds = (System.nanoTime() - start) / 1e9;
                        cpuAfter = CpuUse.now();
                    }
                    rows = probe.count("etcd_kv");
                }
                if (rows != snapshot.keys()) {
                    throw new IllegalStateException(name + " holds " + rows + " rows after the replay, not " + snapshot.keys());
                }
                double heap = MemoryWatch.peakHeapMiB();
                double rss = MemoryWatch.peakRssMiB("self");
                ServerSideLimits.Rates limits = ServerSideLimits.measure(db, "etcd_kv");
                double rate = (rows - untimed) / seconds;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("sink_seconds", seconds);
                m.put("sink_rows_timed", rows - untimed);
                m.put("sink_rows_per_s", rate);
                m.put("server_insert_select_rows_per_s", limits.insertRowsPerSecond());
                m.put("server_guarded_upsert_rows_per_s", limits.upsertRowsPerSecond());
                m.put("bench_jvm_peak_heap_mib", heap);
                m.put("bench_jvm_peak_rss_mib", rss);
                // Where the cores went: the bench JVM is the sink; the database server is named apart.
                m.put("cpu_core_us_per_row", CpuPerWrite.of(cpuAfter.secondsBetween(cpuBefore), Math.round(rows - untimed)));
                m.put("busy_cores", cpuAfter.coresBetween(cpuBefore).get("machine"));
                result.put(name, m);
                double vsInsert = rate / limits.insertRowsPerSecond();
                double vsUpsert = rate / limits.upsertRowsPerSecond();
                // Issue 25's targets: PostgreSQL has COPY, the others multi-row INSERTs.
                result.ratioAtLeast(name + ": sink replay rate / server-side insert limit", vsInsert,
                        kind == SqlDatabase.Kind.POSTGRES ? 0.8 : 0.5);
                result.ratio(name + ": sink replay rate / server-side upsert limit", vsUpsert);
                summary.append(String.format(Locale.ROOT, "%s %,.0f rows/s = %.2fx insert, %.2fx upsert limit; ",
                        name, rate, vsInsert, vsUpsert));
            }
        }
        result.summary("replay of %,d records: %s", snapshot.keys(), summary.toString().trim());
    }

    /** Waits for the sink's first applied rows; returns how many the first commits applied. */
    static double awaitFirstApplied(SimpleMeterRegistry registry, FerryPipeline sink, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        var applied = registry.get("ferry.sink.records").tag("result", "applied").counter();
        while (applied.count() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sink applied nothing within " + limit.toSeconds() + " s");
            }
            sink.check();
            Thread.sleep(2); // a bench polls the sink's own count: that is the measurement
        }
        return applied.count();
    }
}
