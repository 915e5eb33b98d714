package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crashed Ferry process is back at work within seconds of its restart, on a stock broker: the sink
 * is a static member of its group, so it gets its partitions back at once instead of after the dead
 * member's session (45 s) has timed out; the watcher takes the lead from its dead predecessor instead
 * of waiting for its lease to expire. Before static membership the sink waited 35 to 75 s.
 */
@Timeout(300)
class RestartIT {

    /**
     * What tells static membership from its absence: a member that rejoins as a new one waits out the dead one's 45 s
     * session. The time itself (under 5 s on a quiet machine, JVM start included) is printed, not judged: on a busy
     * 2-core machine a JVM start alone took 8 to 9 s, and timing has no place in a pass/fail test.
     */
    private static final Duration BACK_AT_WORK = Duration.ofSeconds(25);

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    @RegisterExtension
    static final SqlDatabase PG = SqlDatabase.postgres();

    @TempDir
    Path dir;

    @Test
    void aSinkKilledAndRestartedAppliesNewChangesWithinSeconds() throws Exception {
        Path config = config("/sinkrestart/", "restart.sink", "watcher.ha.enabled: true");
        Process watch = Cli.start(Files.createDirectories(dir.resolve("watch")), "watch", "-c", config.toString());
        try {
            killAndRestartTwice("sink", config, "/sinkrestart/");
        } finally {
            Cli.stop(watch);
        }
    }

    @Test
    void ferryRunKilledAndRestartedAppliesNewChangesWithinSeconds() throws Exception {
        killAndRestartTwice("run", config("/runrestart/", "restart.run", "watcher.ha.enabled: true"), "/runrestart/");
    }

    /** Starts {@code ferry <command>}, and twice kills it with -9, starts it again and times its way back to work. */
    private void killAndRestartTwice(String command, Path config, String prefix) throws Exception {
        Path logDir = Files.createDirectories(dir.resolve(command));
        Process process = Cli.start(logDir, command, "-c", config.toString());
        try {
            awaitApplied(prefix, 0, process, logDir, Duration.ofSeconds(120));
            for (int round = 1; round <= 2; round++) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                Files.deleteIfExists(logDir.resolve("ferry-run.log"));
                process = Cli.start(logDir, command, "-c", config.toString());
                Duration took = awaitApplied(prefix, round, process, logDir, Duration.ofSeconds(120));
                System.out.printf("ferry %s restart %d: new changes applied %d ms after the process started%n", command,
                        round, took.toMillis());
                assertTrue(took.compareTo(BACK_AT_WORK) <= 0, "ferry " + command + " restarted after kill -9 took "
                        + took.toMillis() + " ms to apply a new change (at most " + BACK_AT_WORK.toMillis() + " ms)\n"
                        + Cli.log(logDir));
            }
        } finally {
            Cli.stop(process);
        }
    }

    /**
     * Writes a new key every 50 ms from now on, and returns how long it took until one of them is in SQL:
     * a key written after the process started can only be there once replication works again.
     */
    private static Duration awaitApplied(String prefix, int round, Process process, Path logDir, Duration limit) {
        long start = System.nanoTime();
        int[] written = {0};
        Awaitility.await(prefix + " round " + round + " in SQL").atMost(limit).pollInterval(Duration.ofMillis(50))
                .failFast("the ferry process exited; its log is in " + logDir, () -> !process.isAlive())
                .until(() -> {
                    put(prefix + "round-" + round + "-" + written[0]++, "x");
                    return Cli.value(PG, prefix + "round-" + round + "-0") != null;
                });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private Path config(String prefix, String topic, String... extra) throws Exception {
        return Files.writeString(dir.resolve(topic + ".yaml"), String.join("\n",
                "etcd.endpoints: " + ETCD.endpoint(),
                "etcd.prefix: " + prefix,
                "kafka.bootstrap: " + KAFKA.bootstrapServers(),
                "kafka.topic: " + topic,
                "kafka.topic.partitions: 3",
                "sink.jdbc: " + PG.jdbcUrl(),
                "sink.user: " + PG.user(),
                "sink.password: \"" + (PG.password() == null ? "" : PG.password()) + "\"",
                "http.enabled: false",
                String.join("\n", extra),
                ""));
    }

    private static void put(String key, String value) throws Exception {
        ETCD.client().getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8),
                ByteSequence.from(value, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    }
}
