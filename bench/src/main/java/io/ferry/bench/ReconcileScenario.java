package io.ferry.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconcile: {@code io.ferry.reconciler.Reconciler} over the snapshot's keys (etcd against the
 * PostgreSQL copy) in a child JVM with {@code -Xmx256m}, against a raw paged etcd read of the same
 * prefix at the same revision in the same child, just before and just after (their mean is the
 * reference).
 */
final class ReconcileScenario {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileScenario.class);
    static final String HEAP = "-Xmx256m";

    private final Stack stack;

    ReconcileScenario(Stack stack) {
        this.stack = stack;
    }

    void run(Snapshot snapshot, ScenarioResult result) throws Exception {
        LOG.info("Reconcile: {} keys in a child JVM with {}", snapshot.keys(), HEAP);
        List<String> args = List.of("-cp", System.getProperty("java.class.path"), ReconcileChild.class.getName(),
                stack.etcd.endpoint(), snapshot.prefix(), Long.toString(snapshot.revision()),
                snapshot.topic(), snapshot.postgres().jdbcUrl(), snapshot.postgres().user(),
                snapshot.postgres().password());
        Map<String, String> got = new HashMap<>();
        Map<String, CpuUse> phases = new ConcurrentHashMap<>();
        try (ChildJvm child = ChildJvm.start(List.of(HEAP), args, null, line -> {
            if (line.startsWith(ReconcileChild.PHASE)) {
                phases.put(line.substring(ReconcileChild.PHASE.length()).trim(), CpuUse.now());
            } else if (line.startsWith(ReconcileChild.RESULT)) {
                for (String pair : line.substring(ReconcileChild.RESULT.length()).split(" ")) {
                    int eq = pair.indexOf('=');
                    got.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        })) {
            int code = child.await(1800, "the reconcile child JVM");
            if (code != 0 || !got.containsKey("reconcile_seconds")) {
                throw new IllegalStateException("the reconcile child JVM exited with " + code + " and no result:\n"
                        + String.join("\n", child.output()));
            }
        }
        double reconcile = Double.parseDouble(got.get("reconcile_seconds"));
        double raw = (Double.parseDouble(got.get("raw_read_seconds_before"))
                + Double.parseDouble(got.get("raw_read_seconds_after"))) / 2;
        got.forEach((k, v) -> result.put(k, v.matches("-?[0-9.]+(E-?[0-9]+)?") ? (Object) Double.valueOf(v) : v));
        result.put("child_jvm", HEAP);
        if (!"CLEAN".equals(got.get("verdict"))) {
            throw new IllegalStateException("the reconciler found differences where there should be none: " + got);
        }
        // Where the cores went, per key, in the reconcile and in the raw read after it (the child is
        // the reconciler; etcd and postgres_server are the servers it reads).
        if (phases.containsKey("reconcile") && phases.containsKey("raw_read") && phases.containsKey("end")) {
            result.put("cpu_core_us_per_key_reconcile",
                    CpuPerWrite.of(phases.get("raw_read").secondsBetween(phases.get("reconcile")), snapshot.keys()));
            result.put("cpu_core_us_per_key_raw_read",
                    CpuPerWrite.of(phases.get("end").secondsBetween(phases.get("raw_read")), snapshot.keys()));
        }
        double ratio = reconcile / raw;
        result.ratioAtMost("reconcile time / raw paged etcd read time", ratio, 1.1);
        result.summary("reconcile of %,d keys (clean) %.1f s = %.2fx the raw etcd read (%.1f s); child heap %s, peak heap "
                + "%.0f MiB, peak RSS %.0f MiB", snapshot.keys(), reconcile, ratio, raw, HEAP,
                Double.parseDouble(got.get("peak_heap_mib")), Double.parseDouble(got.get("peak_rss_mib")));
    }

}
