package io.ferry.testkit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real etcd cluster for a test class, three members by default as in production: each member a
 * child process of the test JVM (Debian's etcd 3.4) on free loopback ports, with its data in a
 * temporary directory and its own log file.
 *
 * <p>Register it with {@code @RegisterExtension static final EtcdCluster ETCD = new EtcdCluster();}:
 * it starts before the first test and is stopped, and its data deleted, after the last. It can also
 * be driven by hand with {@link #start()} and {@link #close()}. Give Ferry {@link #endpoints()}; use
 * {@link #client()} in the test, or a {@link Member#client() member's own client} to read what that
 * member alone holds.
 *
 * <p>Faults are per {@link Member}, found with {@link #member(int)} or {@link #leader()}:
 * <ul>
 *   <li>{@link Member#kill()}: SIGKILL, a crash; {@link Member#stop()}: SIGTERM, a clean shutdown.
 *       {@link Member#start()} starts it again on the same ports and data, and it rejoins.</li>
 *   <li>{@link Member#pause()} / {@link Member#resume()}: SIGSTOP / SIGCONT, a member that hangs (a
 *       long GC or I/O stall, a frozen VM). Its sockets stay open; nothing answers.</li>
 *   <li>{@link Member#isolate()} / {@link Member#heal()}: a network partition between the member and
 *       its peers, in both directions. Clients still reach it, as a client on the member's side of a
 *       partition would: it answers serializable reads from its own data, but loses its leader, so
 *       writes and linearizable reads on it fail, while the majority elects a leader and goes on.
 *       After {@link Member#heal()} it catches up from the leader.</li>
 * </ul>
 * For a partition between a client and one member instead, give the client a {@link TcpProxy} in
 * front of {@link Member#endpoint()} and use {@link TcpProxy#blackhole(boolean)} (silence) or
 * {@link TcpProxy#resetAll()} (resets).
 *
 * <p>How the partition works without root: each member advertises its peer URL through an
 * {@link EtcdPeerProxy}, which knows from etcd's raft requests which member dialed each connection,
 * and resets and refuses exactly the connections to and from an isolated member.
 *
 * <p>{@link #awaitHealthy(Duration)} after a fault waits for the members that can be healthy to be
 * so; {@link #leader()} waits for a leader that a majority agrees on.
 */
public final class EtcdCluster extends ServerExtension {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdCluster.class);
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final Duration LEADER_LIMIT = Duration.ofSeconds(30);

    private final int size;
    private final List<String> extraArgs;
    private final PeerLinks links = new PeerLinks();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Path dir;
    private List<Member> members = List.of();
    private final Object clientLock = new Object();
    private Client client;

    /** Three members with etcd's default settings. */
    public EtcdCluster() {
        this(3);
    }

    /**
     * {@code size} members (normally odd: 1, 3, 5), each started with the extra command-line flags
     * {@code extraArgs}, e.g. {@code "--max-request-bytes=4194304"} or {@code "--pre-vote=true"} (off in
     * etcd 3.4: without it an isolated member keeps raising its term, and when healed makes the leader
     * step down once, as it would in production on 3.4 defaults).
     */
    public EtcdCluster(int size, String... extraArgs) {
        if (size < 1) {
            throw new IllegalArgumentException("An etcd cluster needs at least one member, not " + size);
        }
        this.size = size;
        this.extraArgs = List.copyOf(Arrays.asList(extraArgs));
    }

    /**
     * Starts every member that does not run (all of them the first time, which bootstraps the
     * cluster) and waits until the cluster is healthy.
     */
    public synchronized void start() {
        if (dir == null) {
            dir = TempDirs.create("ferry-etcd-cluster-");
            String token = "ferry-test-" + UUID.randomUUID();
            List<Member> created = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                created.add(new Member(i));
            }
            members = List.copyOf(created);
            String initialCluster = members.stream().map(m -> m.name + "=" + m.proxy.url()).collect(Collectors.joining(","));
            members.forEach(m -> m.configure(initialCluster, token));
        }
        long began = System.nanoTime();
        // All at once: a new cluster has no leader until a majority of its members runs.
        members.stream().filter(m -> !m.running()).forEach(Member::launch);
        if (members.get(0).id == 0) {
            // The leader is told by member id, which etcd derives at bootstrap; ask for them once all answer.
            awaitUntil(START_LIMIT, "to answer /health", this::allReachableHealthy);
            registerIds();
        }
        awaitHealthy(START_LIMIT);
        LOG.info("etcd cluster of {} answers at {} ({} ms), data in {}", size, endpoints(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), dir);
    }

    /** The client URLs of all members, comma-separated: {@code http://127.0.0.1:<port>,...}. */
    public String endpoints() {
        requireStarted();
        return members.stream().map(Member::endpoint).collect(Collectors.joining(","));
    }

    /** A jetcd client over all members, created on first use and closed with the cluster. */
    public Client client() {
        // Not the cluster's monitor: start() holds that while Awaitility's thread asks members for their status.
        synchronized (clientLock) {
            if (client == null) {
                client = EtcdProcesses.client(endpoints());
            }
            return client;
        }
    }

    /**
     * Compacts the key-value history up to {@code revision} (physically, so that watches from older
     * revisions fail at once) and returns the revision etcd reported when it finished.
     */
    public long compact(long revision) {
        return EtcdProcesses.compact(client(), revision, endpoints());
    }

    /** The members, in the order of {@link #member(int)}. */
    public List<Member> members() {
        requireStarted();
        return members;
    }

    /** Member {@code i}, counted from 0. */
    public Member member(int i) {
        return members().get(i);
    }

    /**
     * The current raft leader: the member that a majority of the members reports as leader in the
     * same term, asked through the maintenance status API. Waits up to 30 s for there to be one.
     */
    public Member leader() {
        try {
            return Awaitility.await("a leader of the etcd cluster at " + endpoints()).atMost(LEADER_LIMIT)
                    .pollInterval(Duration.ofMillis(100)).until(this::currentLeader, Optional::isPresent).orElseThrow();
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalStateException("The etcd cluster elected no leader within " + LEADER_LIMIT.toSeconds() + " s: "
                    + describe(), e);
        }
    }

    /**
     * Waits up to {@code limit} until every member that runs and is neither paused nor isolated is
     * healthy (has a leader and serves a quorum read, etcd's {@code /health}) and a majority of
     * the members agrees on one leader.
     */
    public void awaitHealthy(Duration limit) {
        awaitUntil(limit, "to be healthy", () -> allReachableHealthy() && currentLeader().isPresent());
    }

    private void awaitUntil(Duration limit, String what, java.util.concurrent.Callable<Boolean> condition) {
        try {
            Awaitility.await("the etcd cluster at " + endpoints() + " " + what).atMost(limit).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().failFast("a member exited", () -> members.stream().anyMatch(Member::crashed))
                    .until(condition);
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalStateException("The etcd cluster was not healthy within " + limit.toSeconds() + " s: " + describe()
                    + "\n" + members.stream().map(m -> Processes.tail(m.log(), 20)).collect(Collectors.joining("\n")), e);
        }
    }

    /** Kills every member, closes the clients, stops the peer proxies and deletes the data. Safe to call twice. */
    @Override
    public synchronized void close() {
        synchronized (clientLock) {
            if (client != null) {
                client.close();
                client = null;
            }
        }
        members.forEach(Member::destroy);
        members = List.of();
        TempDirs.delete(dir);
        dir = null;
    }

    private boolean allReachableHealthy() throws Exception {
        for (Member m : members) {
            if (m.reachable() && !EtcdProcesses.healthy(http, m.endpoint())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The member that a majority reports as leader in one term and that, asked itself, says so too; a
     * follower goes on naming a leader that died until its election timeout, so the votes alone could
     * name a dead or cut-off member. Members that cannot answer (not running, paused, isolated) are not asked.
     */
    private Optional<Member> currentLeader() {
        Map<Member, StatusResponse> statuses = new HashMap<>();
        for (Member m : members) {
            if (!m.reachable()) {
                continue;
            }
            try {
                statuses.put(m, client().getMaintenanceClient().statusMember(m.endpoint()).get(2, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (Exception e) {
                // A member that does not answer votes for nobody.
            }
        }
        for (Member candidate : statuses.keySet()) {
            StatusResponse own = statuses.get(candidate);
            long votes = statuses.values().stream()
                    .filter(s -> s.getLeader() == candidate.id && s.getRaftTerm() == own.getRaftTerm()).count();
            if (own.getLeader() == candidate.id && votes > size / 2) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private void registerIds() {
        try {
            var listed = client().getClusterClient().listMember().get(30, TimeUnit.SECONDS).getMembers();
            for (Member m : members) {
                m.id = listed.stream().filter(l -> l.getName().equals(m.name)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("etcd lists no member named " + m.name + ": " + listed))
                        .getId();
                links.register(m.id, m.index);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing the members of the etcd cluster at " + endpoints(), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Could not list the members of the etcd cluster at " + endpoints(), e);
        }
    }

    private String describe() {
        return members.stream().map(Member::toString).collect(Collectors.joining(", "));
    }

    private void requireStarted() {
        if (dir == null) {
            throw new IllegalStateException("The etcd cluster has not been started; register EtcdCluster as a static "
                    + "@RegisterExtension or call start()");
        }
    }

    /**
     * One member of the cluster and the faults a test can cause it. A member keeps its name, id, ports
     * and data directory for the life of the cluster, across kills and restarts.
     */
    public final class Member {

        private final int index;
        private final String name;
        private final int clientPort;
        private final int peerPort;
        private final EtcdPeerProxy proxy;
        private final Path memberDir;
        private List<String> command;
        private volatile long id;
        private volatile Process process;
        private volatile boolean paused;
        /** Set by kill() and stop(), so that an exit the test caused is not taken for a crash. */
        private volatile boolean stopped;
        private Client memberClient;

        private Member(int index) {
            this.index = index;
            this.name = "etcd-" + index;
            this.clientPort = Ports.free();
            this.peerPort = Ports.free();
            this.proxy = new EtcdPeerProxy(name, index, peerPort, links);
            this.memberDir = dir.resolve(name);
        }

        /** The member's name in the cluster: {@code etcd-<i>}. */
        public String name() {
            return name;
        }

        /**
         * The member id etcd gave it at bootstrap (the {@code X-Server-From} of its raft requests; what a
         * status response calls the leader); 0 before the cluster first started.
         */
        public long id() {
            return id;
        }

        /** Its own client URL, {@code http://127.0.0.1:<port>}. */
        public String endpoint() {
            return "http://127.0.0.1:" + clientPort;
        }

        /**
         * A jetcd client to this member alone, created on first use and closed with the cluster. A
         * serializable read through it shows what this member holds; a linearizable one needs it to
         * reach its leader.
         */
        public synchronized Client client() {
            if (memberClient == null) {
                memberClient = EtcdProcesses.client(endpoint());
            }
            return memberClient;
        }

        /** Whether its process runs (a paused member runs). */
        public boolean running() {
            Process p = process;
            return p != null && p.isAlive();
        }

        /** Whether it is {@link #pause() paused}. */
        public boolean paused() {
            return paused;
        }

        /** Whether it is {@link #isolate() isolated}. */
        public boolean isolated() {
            return links.isolated(index);
        }

        /** Kills it with SIGKILL, as a crash would; its data stays for {@link #start()}. */
        public synchronized void kill() {
            requireProcess("kill");
            paused = false;
            stopped = true;
            LOG.info("etcd member {} killed with SIGKILL (exit code {})", name, Processes.kill(process));
        }

        /** Stops it with SIGTERM (resuming it first if paused) and waits for it to exit; its data stays for {@link #start()}. */
        public synchronized void stop() {
            requireProcess("stop");
            if (paused) {
                resume();
            }
            stopped = true;
            LOG.info("etcd member {} stopped with SIGTERM (exit code {})", name, Processes.stop(process, Duration.ofSeconds(30)));
        }

        /**
         * Starts it again after {@link #kill()} or {@link #stop()}, on the same ports and data, and
         * waits until it is healthy again, which means it rejoined the cluster. When it cannot be
         * healthy (it is isolated, or fewer than a majority of members would run), waits only until it
         * answers on its client URL.
         */
        public void start() {
            synchronized (this) {
                if (running()) {
                    return;
                }
                launch();
            }
            long reachable = members.stream().filter(Member::reachable).count();
            boolean canBeHealthy = !isolated() && reachable > size / 2;
            try {
                Awaitility.await("etcd member " + name + (canBeHealthy ? " to be healthy" : " to answer")).atMost(START_LIMIT)
                        .pollInterval(Duration.ofMillis(100)).ignoreExceptions().failFast("etcd member " + name + " exited", this::crashed)
                        .until(() -> canBeHealthy ? EtcdProcesses.healthy(http, endpoint()) : answers());
            } catch (RuntimeException | AssertionError e) {
                throw new IllegalStateException("etcd member " + name + " did not " + (canBeHealthy ? "become healthy" : "answer")
                        + " within " + START_LIMIT.toSeconds() + " s. Its log:\n" + Processes.tail(log(), 40), e);
            }
            LOG.info("etcd member {} (pid {}) started again at {}", name, process.pid(), endpoint());
        }

        /** Stops it with SIGSTOP: it keeps its sockets but answers nothing, to clients or peers, until {@link #resume()}. */
        public synchronized void pause() {
            requireProcess("pause");
            Processes.pause(process);
            paused = true;
            LOG.info("etcd member {} paused with SIGSTOP", name);
        }

        /** Continues it with SIGCONT after {@link #pause()}. */
        public synchronized void resume() {
            requireProcess("resume");
            Processes.resume(process);
            paused = false;
            LOG.info("etcd member {} resumed with SIGCONT", name);
        }

        /**
         * Cuts it off from its peers, both ways: open peer connections to and from it are reset and new
         * ones refused until {@link #heal()}. Its clients still reach it.
         */
        public void isolate() {
            links.isolate(index);
            int reset = members.stream().mapToInt(m -> m.proxy.cutLinks()).sum();
            LOG.info("etcd member {} isolated from its peers ({} peer connections reset)", name, reset);
        }

        /** Ends {@link #isolate()}: its peers can reach it again, and it catches up from the leader. */
        public void heal() {
            links.heal(index);
            LOG.info("etcd member {} healed: its peers can reach it again", name);
        }

        @Override
        public String toString() {
            return name + (running() ? "" : " (not running)") + (paused ? " (paused)" : "") + (isolated() ? " (isolated)" : "")
                    + " at " + endpoint();
        }

        private void configure(String initialCluster, String token) {
            String client = endpoint();
            List<String> cmd = new ArrayList<>(List.of(EtcdBinary.locate(), "--name=" + name, "--data-dir=" + memberDir.resolve("data"),
                    "--listen-client-urls=" + client, "--advertise-client-urls=" + client,
                    "--listen-peer-urls=http://127.0.0.1:" + peerPort, "--initial-advertise-peer-urls=" + proxy.url(),
                    "--initial-cluster=" + initialCluster, "--initial-cluster-state=new",
                    "--initial-cluster-token=" + token, "--logger=zap"));
            cmd.addAll(extraArgs);
            command = List.copyOf(cmd);
        }

        private synchronized void launch() {
            memberDir.toFile().mkdirs();
            // With a data directory from an earlier run etcd ignores the --initial-cluster flags and rejoins as itself.
            process = Processes.start(command, log(), EtcdProcesses.environment());
            paused = false;
            stopped = false;
        }

        /** Whether it could answer its peers and clients: it runs and is neither paused nor isolated. */
        private boolean reachable() {
            return running() && !paused && !isolated();
        }

        /** Whether it exited without kill() or stop(). */
        private boolean crashed() {
            Process p = process;
            return p != null && !p.isAlive() && !stopped;
        }

        private boolean answers() throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/version")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }

        private Path log() {
            return dir.resolve(name + ".log");
        }

        private synchronized void destroy() {
            if (memberClient != null) {
                memberClient.close();
                memberClient = null;
            }
            if (process != null) {
                Processes.kill(process);
                process = null;
            }
            proxy.close();
        }

        private void requireProcess(String operation) {
            if (process == null) {
                throw new IllegalStateException("Cannot " + operation + " etcd member " + name + ": it has not been started");
            }
        }
    }
}
