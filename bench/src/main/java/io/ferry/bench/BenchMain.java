package io.ferry.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the benchmark scenarios of issue 7 on servers it starts itself, prints each scenario's
 * JSON and one summary line, and writes {@code results.json}, {@code results.md} and the PNG
 * plots to {@code bench.out}. Every published figure is a ratio to a reference measured in the
 * same run, because the machines are shared and noisy. See docs/benchmarks.md.
 *
 * <p>Exit code 0 when every scenario ran (whether or not it met its target), 2 when one could not run.
 */
public final class BenchMain {

    private static final Logger LOG = LoggerFactory.getLogger(BenchMain.class);

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        BenchSettings settings = BenchSettings.fromSystemProperties();
        Instant started = Instant.now();
        List<ScenarioResult> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<LagPoint> lagTimeline = List.of();
        LOG.info("Bench: scenarios {}, {} keys of {} B; results to {}", settings.scenarios(), settings.keys(),
                settings.valueBytes(), settings.out().toAbsolutePath());
        try (Stack stack = new Stack()) {
            stack.start();
            Snapshot snapshot = null;
            try {
                if (settings.runs("snapshot") || settings.runs("replay") || settings.runs("reconcile")) {
                    ScenarioResult r = new ScenarioResult("snapshot");
                    snapshot = attempt(r, results, failures,
                            () -> new SnapshotScenario(stack, settings).run(r, settings.keys(), settings.valueBytes()));
                }
                if (snapshot != null && settings.runs("replay")) {
                    ScenarioResult r = new ScenarioResult("replay");
                    Snapshot s = snapshot;
                    attempt(r, results, failures, () -> {
                        new ReplayScenario(stack).run(s, r);
                        return null;
                    });
                }
                if (snapshot != null && settings.runs("reconcile")) {
                    ScenarioResult r = new ScenarioResult("reconcile");
                    Snapshot s = snapshot;
                    attempt(r, results, failures, () -> {
                        new ReconcileScenario(stack).run(s, r);
                        return null;
                    });
                }
            } finally {
                if (snapshot != null) {
                    snapshot.postgres().close();
                }
            }
            if (settings.runs("mapped")) {
                ScenarioResult r = new ScenarioResult("mapped");
                attempt(r, results, failures, () -> {
                    new MappedReplayScenario(stack, settings).run(r);
                    return null;
                });
            }
            if (settings.runs("snapshot")) {
                // The other passes after replay and reconcile, so that those see the etcd of before.
                for (int keys : settings.snapshotKeys()) {
                    for (int valueBytes : settings.snapshotValueBytes()) {
                        if (keys != settings.keys() || valueBytes != settings.valueBytes()) {
                            ScenarioResult r = new ScenarioResult("snapshot");
                            attempt(r, results, failures,
                                    () -> new SnapshotScenario(stack, settings).run(r, keys, valueBytes));
                        }
                    }
                }
            }
            if (settings.runs("peer")) {
                ScenarioResult r = new ScenarioResult("peer");
                attempt(r, results, failures, () -> {
                    new PeerScenario(stack, settings).run(r);
                    return null;
                });
            }
            if (settings.runs("watch")) {
                ScenarioResult r = new ScenarioResult("watch");
                attempt(r, results, failures, () -> {
                    new WatchScenario(stack, settings).run(r);
                    return null;
                });
            }
            if (settings.runs("steady")) {
                ScenarioResult r = new ScenarioResult("steady");
                SteadyStateScenario steady = new SteadyStateScenario(stack, settings, SteadyStateScenario.Mode.IN_PROCESS);
                attempt(r, results, failures, () -> {
                    steady.run(r);
                    return null;
                });
                lagTimeline = steady.timeline();
            }
            if (settings.runs("shipped")) {
                ScenarioResult r = new ScenarioResult("shipped");
                attempt(r, results, failures, () -> {
                    new SteadyStateScenario(stack, settings, SteadyStateScenario.Mode.SHIPPED).run(r);
                    return null;
                });
            }
            if (settings.runs("shipped-split")) {
                ScenarioResult r = new ScenarioResult("shipped-split");
                attempt(r, results, failures, () -> {
                    new SteadyStateScenario(stack, settings, SteadyStateScenario.Mode.SHIPPED_SPLIT).run(r);
                    return null;
                });
            }
            if (settings.runs("cutover")) {
                ScenarioResult r = new ScenarioResult("cutover");
                attempt(r, results, failures, () -> {
                    new CutoverScenario(stack, settings).run(r);
                    return null;
                });
            }
        }
        Duration took = Duration.between(started, Instant.now());
        ResultsWriter.write(settings, results, failures, lagTimeline, took);
        System.out.println();
        System.out.println("Bench finished in " + took.toMinutes() + " min " + took.toSecondsPart() + " s:");
        for (ScenarioResult r : results) {
            System.out.println("  " + r.summary());
        }
        for (String f : failures) {
            System.out.println("  FAILED " + f);
        }
        System.exit(failures.isEmpty() ? 0 : 2);
    }

    interface Step<T> {
        T run() throws Exception;
    }

    /** Runs one scenario; a failure is recorded and reported, and the next scenario still runs. */
    private static <T> T attempt(ScenarioResult r, List<ScenarioResult> results, List<String> failures, Step<T> step) {
        LOG.info("Scenario {} starts", r.name());
        long t0 = System.nanoTime();
        try {
            T value = step.run();
            r.put("scenario_seconds", (System.nanoTime() - t0) / 1e9);
            results.add(r);
            System.out.println(Json.write(r.toMap()));
            System.out.println("SUMMARY " + r.summary());
            return value;
        } catch (Exception | Error e) {
            LOG.error("Scenario {} could not run: {}", r.name(), e.toString(), e);
            failures.add(r.name() + ": " + e);
            return null;
        }
    }
}
