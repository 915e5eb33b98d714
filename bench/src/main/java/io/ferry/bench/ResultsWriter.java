package io.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's results under {@code bench.out}: {@code results.json} (everything),
 * {@code results.md} (the ratio and memory tables, to paste into docs/benchmarks.md) and the plots
 * {@code ratios.png}, {@code throughput.png} and {@code lag.png}.
 */
final class ResultsWriter {

    private ResultsWriter() {
    }

    static void write(BenchSettings settings, List<ScenarioResult> results, List<String> failures,
                      List<LagPoint> lag, Duration took) throws IOException {
        Path out = settings.out();
        Files.createDirectories(out);
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("finished_at", Instant.now().toString());
        all.put("run_seconds", took.toMillis() / 1000.0);
        all.put("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " "
                        + System.getProperty("os.version")));
        all.put("settings", settings.toString());
        all.put("scenarios", results.stream().map(ScenarioResult::toMap).toList());
        all.put("failed", failures);
        Files.writeString(out.resolve("results.json"), Json.write(all) + "\n");
        Files.writeString(out.resolve("results.md"), markdown(results, failures));
        List<Ratio> ratios = results.stream().flatMap(r -> r.ratios().stream()).toList();
        if (!ratios.isEmpty()) {
            List<Bar> bars = new ArrayList<>();
            for (Ratio r : ratios) {
                Color c = r.met() == null ? Color.NONE : r.met() ? Color.MET : Color.MISSED;
                bars.add(new Bar(r.scenario() + ": " + r.label(), r.value(), c.awt));
            }
            Charts.bars("Ferry / reference, same run (green: target met, red: missed, grey: no target)", "ratio",
                    bars, 1.0, out.resolve("ratios.png"));
        }
        List<Bar> throughput = throughput(results);
        if (!throughput.isEmpty()) {
            Charts.bars("Throughput by scenario (blue: Ferry, grey: reference in the same run)", "keys or rows per second",
                    throughput, 0, out.resolve("throughput.png"));
        }
        if (!lag.isEmpty()) {
            Charts.lag("Steady state: etcd ack to visible in PostgreSQL, per second", lag, 250, out.resolve("lag.png"));
        }
    }

    private enum Color {
        MET(Bar.MET), MISSED(Bar.MISSED), NONE(Bar.NO_TARGET);

        final java.awt.Color awt;

        Color(java.awt.Color awt) {
            this.awt = awt;
        }
    }

    private static List<Bar> throughput(List<ScenarioResult> results) {
        List<Bar> bars = new ArrayList<>();
        for (ScenarioResult r : results) {
            switch (r.name()) {
                case "snapshot" -> {
                    String size = r.get("keys") instanceof Number k && r.get("value_bytes") instanceof Number b
                            ? " " + SnapshotScenario.label(k.intValue(), b.intValue()) : "";
                    for (String db : List.of("sqlite", "postgres")) {
                        Map<String, Object> m = figures(r, db);
                        String at = "snapshot " + db + size + ": ";
                        add(bars, at + "Ferry", m.get("ferry_keys_per_s"), Bar.FERRY);
                        add(bars, at + "raw paged etcd read", m.get("raw_etcd_read_keys_per_s"), Bar.REFERENCE);
                        add(bars, at + "INSERT ... SELECT", m.get("server_insert_select_rows_per_s"), Bar.REFERENCE);
                    }
                }
                case "watch" -> {
                    add(bars, "watch: etcd max write rate", r.get("etcd_max_puts_per_s"), Bar.REFERENCE);
                    add(bars, "watch: etcd acked with the watcher running", r.get("etcd_acked_puts_per_s"), Bar.REFERENCE);
                    add(bars, "watch: watcher delivered to Kafka", r.get("delivered_changes_per_s"), Bar.FERRY);
                }
                case "replay" -> {
                    for (String db : List.of("postgres", "mariadb", "sqlite")) {
                        Map<String, Object> m = figures(r, db);
                        add(bars, "replay " + db + ": Ferry sink", m.get("sink_rows_per_s"), Bar.FERRY);
                        add(bars, "replay " + db + ": INSERT ... SELECT", m.get("server_insert_select_rows_per_s"), Bar.REFERENCE);
                        add(bars, "replay " + db + ": guarded upsert", m.get("server_guarded_upsert_rows_per_s"), Bar.REFERENCE);
                    }
                }
                case "reconcile" -> {
                    Object keys = r.get("keys");
                    Object rec = r.get("reconcile_seconds");
                    Object raw = r.get("raw_read_seconds_before");
                    if (keys instanceof Double k && rec instanceof Double s && raw instanceof Double w) {
                        add(bars, "reconcile: Ferry reconciler", k / s, Bar.FERRY);
                        add(bars, "reconcile: raw paged etcd read", k / w, Bar.REFERENCE);
                    }
                }
                case "peer" -> {
                    for (String db : List.of("postgres", "mariadb")) {
                        Map<String, Object> m = figures(r, db);
                        add(bars, "peer " + db + ": Ferry sink", figures(m, "ferry").get("sink_rows_per_s"), Bar.FERRY);
                        add(bars, "peer " + db + ": Debezium JDBC sink", figures(m, "debezium").get("sink_rows_per_s"),
                                Bar.REFERENCE);
                    }
                }
                case "steady" -> {
                    add(bars, "steady: etcd max write rate", r.get("etcd_max_writes_per_s"), Bar.REFERENCE);
                    Object steps = r.get("steps");
                    if (steps instanceof List<?> list) {
                        for (Object o : list) {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> step = (Map<String, Object>) o;
                            add(bars, String.format(Locale.ROOT, "steady: Ferry sustained at %.2fx etcd max",
                                    (Double) step.get("fraction_of_etcd_max")), step.get("sustained_writes_per_s"), Bar.FERRY);
                        }
                    }
                }
                default -> {
                }
            }
        }
        return bars;
    }

    private static void add(List<Bar> bars, String label, Object value, java.awt.Color color) {
        if (value instanceof Number n && n.doubleValue() > 0) {
            bars.add(new Bar(label, n.doubleValue(), color));
        }
    }

    static Map<String, Object> figures(ScenarioResult r, String key) {
        return sub(r.get(key));
    }

    /** The figures nested under {@code key} of {@code figures} (the peer's per database and sink). */
    static Map<String, Object> figures(Map<String, Object> figures, String key) {
        return sub(figures.get(key));
    }

    private static Map<String, Object> sub(Object o) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) o;
        return m == null ? new LinkedHashMap<>() : m;
    }

    private static String markdown(List<ScenarioResult> results, List<String> failures) {
        StringBuilder b = new StringBuilder();
        b.append("| Scenario | Ratio (Ferry / reference, same run) | Value | Target | Met |\n|---|---|---|---|---|\n");
        for (ScenarioResult r : results) {
            for (Ratio x : r.ratios()) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s | %s |%n", r.name(), x.label(), x.value(),
                        x.target().isEmpty() ? "none" : x.target(), x.met() == null ? "" : x.met() ? "yes" : "**no**"));
            }
        }
        b.append("\nSummaries:\n\n");
        for (ScenarioResult r : results) {
            b.append("- ").append(r.summary()).append('\n');
        }
        for (String f : failures) {
            b.append("- FAILED ").append(f).append('\n');
        }
        return b.toString();
    }
}
