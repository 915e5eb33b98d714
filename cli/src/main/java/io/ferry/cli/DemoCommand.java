package io.ferry.cli;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.ferry.cli.demo.DemoLog;
import io.ferry.cli.demo.DemoMappings;
import io.ferry.cli.demo.DemoQueries;
import io.ferry.cli.demo.DiegoWorkload;
import io.ferry.cli.demo.LocalEtcd;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.JdbcConnections;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.state.SinkOffsets;
import io.ferry.state.Watermarks;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry demo}: the whole story on one machine in a couple of minutes. A local etcd with a
 * Diego-style keyspace and writers that keep writing; {@code ferry run} on embedded Kafka and
 * SQLite; then the same {@code status}, {@code cutover} and {@code reconcile} commands an
 * operator runs, printed with their command lines so they can be run again by hand.
 */
@Command(name = "demo", header = "A guided quickstart on this machine, on embedded Kafka and SQLite.", description = {"A guided quickstart on this machine: local etcd with sample data and live writers,",
    "ferry run on embedded Kafka and SQLite, then status, a cutover and a reconciliation report.",
    "Installs etcd from Debian's packages when it is missing. Work files go to --dir."})
final class DemoCommand implements Callable<Integer> {

    private static final String OWNED = ".ferry-demo";
    /** The passphrase of the key the demo seals desired LRPs with, in a file, as docs/mappings.md advises. */
    private static final String KEY_FILE = "bbs.key";
    /** How long each wait for the sink runs before the demo shows how far it got. */
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(500);

    @Option(names = "--keys", defaultValue = "5000", description = "Size of the sample keyspace (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--rate", defaultValue = "200", description = "Writes per second while replicating (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--dir", defaultValue = ".ferry/demo", description = "Work directory, emptied first (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--keep", description = "Keep etcd and ferry run going after the report, until Ctrl-C.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        prepare(dir);
        DemoLog.toFile(dir.resolve("ferry.log"));
        System.out.printf("Ferry demo: etcd -> Kafka -> SQLite, online, then a cutover. Work files and the log (ferry.log)"
                + " in %s%n", dir);
        section(1, "Start a local etcd");
        // The demo's writers and checks reach etcd as every ferry command does: through the configuration.
        try (LocalEtcd etcd = LocalEtcd.start(dir.resolve("etcd"));
             Client client = EtcdClients.build(FerryConfig.load(writeConfig(etcd.endpoint()), System.getenv()).etcd())) {
            System.out.printf("      etcd at %s (pid %d)%n", etcd.endpoint(), etcd.pid());
            Path config = configFile();
            FerryConfig c = FerryConfig.load(config, System.getenv());

            section(2, "Load a Diego-style keyspace under " + DiegoWorkload.ROOT);
            DiegoWorkload workload = new DiegoWorkload(client.getKVClient(), client.getLeaseClient(), keys,
                    Files.readString(dir.resolve(KEY_FILE)));
            long loaded = timed(() -> workload.load());
            System.out.printf("      %,d keys: desired LRPs (schedules in protobuf behind the BBS encoding, some sealed), "
                    + "actual instances, tasks, domains on a lease%n", loaded);

            section(3, "ferry run -c " + config + "   (embedded Kafka, watcher, sink into SQLite; writers keep writing)");
            ServiceRunner runner = ServiceRunner.start(c, true, List.of(Services::watcher, Services::sink));
            CompletableFuture<Integer> ferryRun = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.runUntilStopped();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Ferry.EXIT_ERROR;
                }
            });
            AtomicBoolean frozen = new AtomicBoolean();
            byte[] marker = CutoverConfig.of(c).markerKey().getBytes(StandardCharsets.UTF_8);
            CompletableFuture<Void> writers = CompletableFuture.runAsync(() -> writeUntilFrozen(workload, client, marker, frozen));
            try {
                awaitCaughtUp(client, c, ferryRun);
                System.out.printf("      caught up; status page and metrics at http://%s:%d/%n", c.http().bind(), c.http().port());

                section(4, "ferry status -c " + config);
                Ferry.execute("status", "-c", config.toString());

                section(5, "ferry cutover -c " + config + "   (the writers stop at the freeze marker)");
                int cut = Ferry.execute("cutover", "-c", config.toString());
                frozen.set(true);
                writers.get(30, TimeUnit.SECONDS);
                System.out.printf("      the writers made %,d changes while replicating%n", workload.writes());
                if (cut != Ferry.EXIT_OK) {
                    throw new FerryException("the cutover did not complete; see its output above");
                }

                Path html = dir.resolve("report.html");
                Path json = dir.resolve("report.json");
                section(6, "ferry reconcile -c " + config + " --since F --html " + html + " --json " + json);
                long f = freezeRevision(client, c);
                int verdict = Ferry.execute("reconcile", "-c", config.toString(), "--since", Long.toString(f),
                        "--html", html.toString(), "--json", json.toString());
                section(7, "SQL over the typed tables the mappings filled (" + dir.resolve("ferry.db") + ")");
                DemoQueries.print(JdbcConnections.sink(c), System.out);
                System.out.printf("%nDemo finished in %d s. Open %s in a browser for the report.%n",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), html.toAbsolutePath());
                System.out.println("A write to etcd after F would now be listed as a late write: see docs/runbook.md.");
                if (keep) {
                    System.out.println("Still running (--keep): etcd at " + etcd.endpoint() + ", ferry run with its status page."
                            + " Try: bin/ferry status -c " + config + "   Stop with Ctrl-C.");
                    ferryRun.get();
                }
                return verdict;
            } finally {
                frozen.set(true);
                runner.stop();
                ferryRun.exceptionally(e -> Ferry.EXIT_ERROR).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private void writeUntilFrozen(DiegoWorkload workload, Client client, byte[] marker, AtomicBoolean frozen) {
        ByteSequence markerKey = ByteSequence.from(marker);
        int[] n = {0};
        try {
            workload.writeUntil(rate, () -> {
                if (frozen.get()) {
                    return true;
                }
                // A cooperating writer looks for the freeze marker before its writes, as the runbook asks.
                if (n[0]++ % 10 == 0) {
                    try {
                        return client.getKVClient().get(markerKey).get(10, TimeUnit.SECONDS).getCount() > 0;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return false;
            });
        } catch (Exception e) {
            throw new FerryException("the demo's writer failed: " + e.getMessage(), e);
        }
    }

    private void awaitCaughtUp(Client client, FerryConfig c, CompletableFuture<Integer> ferryRun) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long target = client.getKVClient().get(ByteSequence.from(new byte[] {0})).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        JdbcTarget sink = JdbcConnections.sink(c);
        try (Connection db = JdbcConnections.connect(sink)) {
            SinkOffsets offsets = new SinkOffsets(db, sink.kind(), c.kafka().topic());
            long last = -1;
            while (true) {
                if (ferryRun.isDone()) {
                    ferryRun.get();
                    throw new FerryException("ferry run stopped before it caught up");
                }
                Watermarks marks = offsets.awaitWatermark(target, PROGRESS_EVERY);
                if (marks.reached(target)) {
                    return;
                }
                long mark = marks.min();
                if (mark / 1000 != last / 1000) {
                    System.out.printf("      sink at revision %,d of %,d%n", Math.max(mark, 0), target);
                    last = mark;
                }
                if (System.nanoTime() > deadline) {
                    throw new FerryException("the sink did not reach revision " + target + " within 5 minutes; see the log above");
                }
            }
        }
    }

    private static long freezeRevision(Client client, FerryConfig c) throws Exception {
        // The switch wrote F into the version key; reading it back is what an operator's script would do.
        byte[] versionKey = CutoverConfig.of(c).versionKey().getBytes(StandardCharsets.UTF_8);
        var kvs = client.getKVClient().get(ByteSequence.from(versionKey)).get(10, TimeUnit.SECONDS).getKvs();
        if (kvs.isEmpty()) {
            throw new FerryException("the cutover wrote no version key " + CutoverConfig.of(c).versionKey());
        }
        String v = kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"freeze_revision\":(\\d+)").matcher(v);
        if (!m.find()) {
            throw new FerryException("the version key holds no freeze_revision: " + v);
        }
        return Long.parseLong(m.group(1));
    }

    private Path configFile() {
        return dir.resolve("ferry.yaml");
    }

    private Path writeConfig(String etcdEndpoint) throws IOException {
        Path config = configFile();
        Files.writeString(config, String.join("\n",
                "# Written by ferry demo. Every ferry command takes it: bin/ferry status -c " + config,
                "etcd.endpoints: " + etcdEndpoint,
                "etcd.prefix: " + DiegoWorkload.ROOT,
                "kafka.bootstrap: embedded",
                "kafka.embedded.dir: " + dir.resolve("kafka"),
                "kafka.topic.partitions: 3",
                "sink.jdbc: jdbc:sqlite:" + dir.resolve("ferry.db"),
                "http.port: " + freePort(),
                "cutover.timeout.ms: 120000",
                "") + DemoMappings.yaml(keyFile(), descriptorSet()));
        return config;
    }

    /** The descriptor set of the demo's .proto, copied out of the jar for its mapping to read. */
    private Path descriptorSet() throws IOException {
        Path desc = dir.resolve("diego_demo.desc");
        try (var in = DemoCommand.class.getResourceAsStream("demo/diego_demo.desc")) {
            if (in == null) {
                throw new FerryException("the demo's descriptor set is missing from the jar; rebuild with mvn package");
            }
            Files.copy(in, desc, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return desc;
    }

    /** The passphrase of the demo's key, new each run (the work directory starts empty), in a file as docs advise. */
    private Path keyFile() throws IOException {
        return Files.writeString(dir.resolve(KEY_FILE), java.util.UUID.randomUUID().toString());
    }

    /** Empties the work directory, but only one the demo made, so a mistyped --dir deletes nothing else. */
    private static void prepare(Path dir) throws IOException {
        if (Files.exists(dir)) {
            boolean empty;
            try (Stream<Path> s = Files.list(dir)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !Files.exists(dir.resolve(OWNED))) {
                throw new FerryException(dir + " exists and was not made by ferry demo; choose another --dir");
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(OWNED), "made by ferry demo; deleted by the next run\n");
    }

    private static void section(int n, String title) {
        System.out.printf("%n=== %d of 7: %s%n", n, title);
    }

    private static <T> T timed(Callable<T> step) throws Exception {
        long start = System.nanoTime();
        T result = step.call();
        System.out.printf("      done in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return result;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
