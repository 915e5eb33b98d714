package io.ferry.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.SqlDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cost of a mapped table (issue 24): the same change topic, of Diego-like actual LRPs as JSON, replayed by the sink
 * into an empty database twice, once into the generic table alone and once with a mapping that also writes each value
 * into typed columns and a JSON {@code doc}; the target is at most 1.3x the generic table's time. Each pair runs twice,
 * alternating, and the faster of each pair's two runs counts, so that a pause of the shared machine does not decide
 * the ratio. The databases' own floor is measured in the same run: the seconds the server takes to store the generic
 * rows again, and the mapped rows again ({@link ServerSideLimits#storageSeconds}); a mapped table is a second table
 * written, so no writer goes below (generic + mapped) / generic of those.
 */
final class MappedReplayScenario {

    private static final Logger LOG = LoggerFactory.getLogger(MappedReplayScenario.class);
    static final String PREFIX = "/bench/mapped/actual/";
    private static final int TXN_PUTS = 128;

    private final Stack stack;
    private final BenchSettings settings;
    /** Per database, the fastest server-side store of the generic rows and of the mapped rows. */
    private final Map<String, double[]> floors = new LinkedHashMap<>();

    MappedReplayScenario(Stack stack, BenchSettings settings) {
        this.stack = stack;
        this.settings = settings;
    }

    void run(ScenarioResult result) throws Exception {
        int n = settings.keys();
        KV kv = stack.etcd.client().getKVClient();
        LOG.info("Mapped replay: loading {} JSON actual LRPs into etcd", n);
        long bytes = load(kv, n);
        long revision = SnapshotScenario.currentRevision(kv);
        String topic = "bench.mapped";
        stack.createTopic(topic, FerryPipeline.PARTITIONS);
        try (FerryPipeline watcher = FerryPipeline.watcherOnly(FerryPipeline.watcherConfig(stack, "/bench/mapped/", topic),
                new SimpleMeterRegistry())) {
            if (!watcher.awaitStreaming(Duration.ofMinutes(20))) {
                throw new IllegalStateException("the watcher did not copy " + n + " keys into " + topic + " within 20 min");
            }
        }
        result.put("records", n).put("mean_value_bytes", bytes / n).put("topic", topic);
        StringBuilder summary = new StringBuilder();
        for (SqlDatabase.Kind kind : List.of(SqlDatabase.Kind.POSTGRES, SqlDatabase.Kind.MARIADB, SqlDatabase.Kind.SQLITE)) {
            String name = kind.name().toLowerCase(Locale.ROOT);
            double generic = Double.MAX_VALUE;
            double mapped = Double.MAX_VALUE;
            for (int round = 1; round <= 2; round++) {
                generic = Math.min(generic, replay(kind, topic, revision, n, false, round));
                mapped = Math.min(mapped, replay(kind, topic, revision, n, true, round));
            }
            double[] floor = floors.get(name);
            double floorRatio = (floor[0] + floor[1]) / floor[0];
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("generic_seconds", generic);
            m.put("mapped_seconds", mapped);
            m.put("server_store_generic_seconds", floor[0]);
            m.put("server_store_mapped_seconds", floor[1]);
            m.put("server_floor_ratio", floorRatio);
            m.put("generic_rows_per_s", n / generic);
            m.put("mapped_rows_per_s", n / mapped);
            result.put(name, m);
            result.ratioAtMost(name + ": replay time with a mapped table / generic table alone", mapped / generic, 1.3);
            // No target: how far Ferry's ratio is from the least any writer of the same rows could reach.
            result.ratio(name + ": that ratio / the server's own floor for the same rows", mapped / generic / floorRatio);
            summary.append(String.format(Locale.ROOT, "%s %.2f s vs %.2f s = %.2fx (the server's own floor %.2fx); ", name,
                    mapped, generic, mapped / generic, floorRatio));
        }
        result.summary("replay of %,d JSON values with a mapped table (6 typed columns and doc) against the generic table "
                + "alone: %s", n, summary.toString().trim());
    }

    /** One replay of the topic into an empty database; returns the seconds from its first commit to the revision. */
    private double replay(SqlDatabase.Kind kind, String topic, long revision, int n, boolean mapped, int round)
            throws Exception {
        String name = kind.name().toLowerCase(Locale.ROOT);
        String group = "bench-mapped-" + name + "-" + (mapped ? "mapped" : "generic") + "-" + round;
        try (SqlDatabase db = stack.database(kind)) {
            FerryConfig config = FerryPipeline.config(stack, "/bench/mapped/", topic, db, group,
                    mapped ? Map.of("sink.mappings", List.of(mapping())) : Map.of());
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            double seconds;
            try (WatermarkProbe probe = new WatermarkProbe(db, topic)) {
                try (FerryPipeline sink = FerryPipeline.sinkOnly(config, registry)) {
                    ReplayScenario.awaitFirstApplied(registry, sink, Duration.ofMinutes(5));
                    long start = System.nanoTime();
                    probe.await(revision, sink, Duration.ofMinutes(20));
                    seconds = (System.nanoTime() - start) / 1e9;
                }
                long rows = probe.count("etcd_kv");
                long typed = mapped ? probe.count("actual_lrps") : n;
                if (rows != n || typed != n) {
                    throw new IllegalStateException(name + " holds " + rows + " generic and " + typed + " mapped rows, not " + n);
                }
            }
            if (mapped) {
                double[] floor = floors.computeIfAbsent(name, k -> new double[] {Double.MAX_VALUE, Double.MAX_VALUE});
                floor[0] = Math.min(floor[0], ServerSideLimits.storageSeconds(db, "etcd_kv"));
                floor[1] = Math.min(floor[1], ServerSideLimits.storageSeconds(db, "actual_lrps"));
            }
            LOG.info("Mapped replay into {} ({}, round {}): {} s", name, mapped ? "with the mapped table" : "generic table alone",
                    round, String.format(Locale.ROOT, "%.2f", seconds));
            return seconds;
        }
    }

    /** The mapping of docs/mappings.md's Diego example: key segments, typed fields, and the whole value as doc. */
    private static Map<String, Object> mapping() {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("process_guid", Map.of("from", "/process_guid", "type", "text"));
        columns.put("instance_index", Map.of("from", "/index", "type", "bigint"));
        columns.put("cell_id", Map.of("from", "/cell_id", "type", "text"));
        columns.put("state", Map.of("from", "/state", "type", "text"));
        columns.put("since", Map.of("from", "/since", "type", "timestamp"));
        columns.put("crash_count", Map.of("from", "/crash_count", "type", "bigint"));
        return Map.of("prefix", PREFIX, "table", "actual_lrps", "json", true, "columns", columns);
    }

    /** Loads {@code n} actual LRPs in transactions of 128 puts; returns the values' total size. */
    private static long load(KV kv, int n) throws Exception {
        long bytes = 0;
        for (int from = 0; from < n; from += TXN_PUTS) {
            List<Op> puts = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + TXN_PUTS); i++) {
                byte[] value = actualLrp(i);
                bytes += value.length;
                puts.add(Op.put(ByteSequence.from(String.format(Locale.ROOT, "%spg-%09d/%d", PREFIX, i / 4, i % 4),
                        StandardCharsets.UTF_8), ByteSequence.from(value), PutOption.DEFAULT));
            }
            kv.txn().Then(puts.toArray(Op[]::new)).commit().get(30, TimeUnit.SECONDS);
        }
        return bytes;
    }

    /** An actual LRP as Diego's BBS stores it in JSON (about 400 B). */
    static byte[] actualLrp(int i) {
        return String.format(Locale.ROOT, "{\"process_guid\":\"pg-%09d\",\"index\":%d,\"domain\":\"cf-apps\","
                + "\"instance_guid\":\"ig-%09d-%08x\",\"cell_id\":\"cell-%02d\",\"address\":\"10.0.%d.%d\","
                + "\"ports\":[{\"container_port\":8080,\"host_port\":%d},{\"container_port\":2222,\"host_port\":%d}],"
                + "\"crash_count\":%d,\"crash_reason\":\"\",\"state\":\"RUNNING\",\"since\":%d.%06d,"
                + "\"modification_tag\":{\"epoch\":\"e-%08x\",\"index\":%d},\"presence\":\"ORDINARY\"}",
                i / 4, i % 4, i, i * 2654435761L & 0xffffffffL, i % 40, (i >> 8) & 255, i & 255, 61000 + i % 4000,
                62000 + i % 3000, i % 3, 1_765_000_000L + i, i % 1_000_000, i * 40503, i % 17).getBytes(StandardCharsets.UTF_8);
    }
}
