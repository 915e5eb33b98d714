package io.ferry.cli.faults;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.testkit.SqlDatabase;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One fault-injection run on a {@link Topology}: Ferry deployed as separate processes (one watcher;
 * two PostgreSQL sinks in one group, one MariaDB sink), the workload and the fault lanes until the
 * settings say stop, then convergence, the checker and the report. The test classes differ only in
 * their servers and their defaults. See docs/reliability.md.
 */
final class FaultRun {

    private final FaultSettings settings;
    private final Topology topology;
    private final SqlDatabase postgres;
    private final SqlDatabase mariadb;

    FaultRun(FaultSettings settings, Topology topology, SqlDatabase postgres, SqlDatabase mariadb) {
        this.settings = settings;
        this.topology = topology;
        this.postgres = postgres;
        this.mariadb = mariadb;
    }

    /** Runs it within its time limit and fails with the seed and the verdict's summary when a check does not hold. */
    void runAndCheck() {
        System.out.println("Fault-injection run with -Dfaults.seed=" + settings.seed());
        assertTimeoutPreemptively(settings.limit().plus(convergeLimit(settings)).plus(Duration.ofMinutes(12)), this::run,
                () -> "the run did not finish in time; reproduce with " + settings.reproduce());
    }

    /** The run's kinds: every run's and its servers', in the enum's order, excluded ones included. */
    private Set<FaultKind> kinds() {
        Set<FaultKind> kinds = EnumSet.copyOf(FaultKind.common());
        kinds.addAll(topology.serverKinds());
        return kinds;
    }

    private void run() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "faults", "run-" + settings.seed()).toAbsolutePath());
        FaultReport report = new FaultReport(settings);
        Verdict verdict = new Verdict();
        KeyPool pool = new KeyPool(settings.seed(), 1500, 200);
        History history = new History(pool.size());
        Map<String, Object> timings = new LinkedHashMap<>();
        Set<FaultKind> injected = EnumSet.copyOf(kinds());
        injected.removeAll(settings.excluded());
        long t0 = System.nanoTime();
        try (Deployment ferry = Deployment.create(dir, topology, List.of(postgres, mariadb), new int[] {2, 1});
             Workload workload = new Workload(topology.workloadClient(), pool, history, settings)) {
            ferry.start();
            ferry.awaitReady(Duration.ofMinutes(3));
            timings.put("start_up_s", seconds(t0));
            long start = System.nanoTime();
            SqlSampler sampler = new SqlSampler(ferry.targets(), pool, start);
            sampler.start();
            workload.start();
            FaultInjector injector = new FaultInjector(ferry, topology, workload, settings, injected);
            injector.run(start, start + settings.workload().toNanos(), start + settings.limit().toNanos());
            workload.end(Duration.ofMinutes(1));
            timings.put("workload_and_faults_s", seconds(start));

            // Everything runs again (a fault may have ended while a server was down); then wait for the sinks.
            topology.restore();
            long revision = workload.revision();
            long converge = System.nanoTime();
            for (Target t : ferry.targets()) {
                awaitWatermark(t, revision, converge, convergeLimit(settings), verdict, ferry);
            }
            timings.put("convergence_s", seconds(converge));
            for (int i = 0; i < ferry.targets().size(); i++) {
                sampler.sampleOnce(i);
            }
            sampler.close();

            Checker checker = new Checker(pool, history, verdict);
            Map<ByteBuffer, Row> etcd = EtcdState.read(topology.client(), revision);
            checker.modelAgainstEtcd(etcd);
            for (int i = 0; i < ferry.targets().size(); i++) {
                Target t = ferry.targets().get(i);
                Map<ByteBuffer, Row> sql = SqlState.rows(t);
                checker.finalState(t, etcd, sql, revision);
                checker.appliedOrSuperseded(t, sql);
                checker.samples(t, sampler.samples(i));
            }
            sampler.unknownKeys().forEach(k -> verdict.violation("SQL holds a key the workload never wrote", k));
            countFaults(injector.injected(), injected, verdict);
            for (InjectedFault f : injector.injected()) {
                // A replay that fails is Ferry's failure; a server that is slow to come back is the machine's,
                // and is only reported: if it mattered, the convergence or the final state says so.
                if (f.error() != null && f.kind() == FaultKind.REPLAY_FROM_BEGINNING && f.error().contains("ferry replay")) {
                    verdict.violation("ferry replay failed", f.error());
                }
            }
            topology.check(report, verdict);
            report.put("final_revision", revision);
            report.put("keys_live_at_end", etcd.size());
            report.put("operations", workload.counts().toMap(history.writes()));
            report.faults(injector.injected(), kinds());
            report.put("sql_samples", Map.of("taken", sampler.taken(), "missed_while_a_database_was_down", sampler.failed()));
            report.put("process_exits_not_injected", ferry.unexpectedExits());
            report.put("logs", dir.toString());
            // The watcher's own account of where it resumed, for a failure's first look.
            report.put("watcher_resume_points", ferry.watcher().lines("Resuming from checkpoint|compacted|Snapshot of epoch", 60));
        } finally {
            timings.put("total_s", seconds(t0));
            report.put("timings", timings);
            report.put("result", verdict.toMap());
            System.out.println(report.write(Path.of("target", "faults", "faults-report-" + settings.seed() + ".json")));
        }
        assertTrue(verdict.passed(), () -> "Fault injection found violations with -Dfaults.seed=" + settings.seed()
                + " (reproduce: " + settings.reproduce() + "):\n" + verdict.summary());
    }

    /** A run with fewer faults of some kind than it asked for proves less than it claims: a harness failure. */
    private void countFaults(List<InjectedFault> faults, Set<FaultKind> kinds, Verdict verdict) {
        for (FaultKind kind : kinds) {
            long n = faults.stream().filter(f -> f.kind() == kind && f.error() == null).count();
            if (n < settings.perKind()) {
                verdict.violation("too few faults (harness)", kind + ": " + n + " injected within the run's limit of "
                        + settings.limit().toSeconds() + " s, " + settings.perKind() + " asked for (-Dfaults.per.kind)");
            }
        }
    }

    /** Waits until every partition's stored watermark reaches {@code revision}; a sink that never gets there is a finding. */
    private static void awaitWatermark(Target t, long revision, long since, Duration limit, Verdict verdict, Deployment ferry) {
        long left = since + limit.toNanos() - System.nanoTime();
        AtomicLong w = new AtomicLong(-1);
        try {
            if (left > 0) {
                Awaitility.await(t.name() + " watermark at " + revision).atMost(Duration.ofNanos(left)).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(250)).until(() -> {
                            w.set(SqlState.minWatermark(t));
                            return w.get() >= revision;
                        });
                return;
            }
        } catch (ConditionTimeoutException e) {
            // a finding, below
        }
        verdict.violation("sink did not catch up", t.name() + " watermark " + w.get() + " did not reach etcd revision " + revision
                + " within " + limit.toSeconds() + " s after the faults ended\n" + ferry.watcher().tail() + "\n"
                + t.sinks().get(0).tail());
    }

    /**
     * How long the sinks may take to catch up once the faults stop: a replay from offset 0 late in a
     * long run re-reads the whole topic, which grows with the run, so the limit grows with it.
     */
    private static Duration convergeLimit(FaultSettings settings) {
        Duration half = settings.workload().dividedBy(2);
        return half.compareTo(Duration.ofMinutes(4)) > 0 ? half : Duration.ofMinutes(4);
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
    }
}
