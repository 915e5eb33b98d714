package io.ferry.testkit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-member etcd for a test class, run as a child process of the test JVM on free
 * loopback ports, with its data in a temporary directory.
 *
 * <p>Register it with {@code @RegisterExtension static final EtcdServer ETCD = new EtcdServer();}: it
 * starts before the first test and is stopped, and its data deleted, after the last. It can also be
 * driven by hand with {@link #start()} and {@link #close()}.
 *
 * <p>Failure tests can {@link #kill()} it (SIGKILL), {@link #stop()} it (SIGTERM) and
 * {@link #start()} it again on the same ports and data directory.
 *
 * <p>When the environment variable {@value #ENV_ENDPOINTS} is set, that etcd is used as it is and
 * no process is started; {@link #kill()}, {@link #stop()} and {@link #restart()} then throw.
 */
public final class EtcdServer extends ServerExtension {

    /** Comma-separated client URLs of an external etcd to use instead of starting one. */
    public static final String ENV_ENDPOINTS = "FERRY_TEST_ETCD_ENDPOINTS";

    private static final Logger LOG = LoggerFactory.getLogger(EtcdServer.class);
    private static final Duration START_LIMIT = Duration.ofSeconds(30);

    private final List<String> extraArgs;
    private final String external;
    private final boolean https;
    private final UnaryOperator<ClientBuilder> clientSetup;
    private Path dir;
    private int clientPort;
    private int peerPort;
    private int metricsPort;
    private Process process;
    private Client client;

    /** An etcd with default settings. */
    public EtcdServer() {
        this(new String[0]);
    }

    /** An etcd started with extra command-line flags, e.g. {@code "--max-request-bytes=4194304"}. */
    public EtcdServer(String... extraArgs) {
        this(System.getenv(ENV_ENDPOINTS), Arrays.asList(extraArgs));
    }

    /** With {@code externalEndpoints} as if it came from {@value #ENV_ENDPOINTS}; {@code null} or blank to run etcd. */
    EtcdServer(String externalEndpoints, List<String> extraArgs) {
        this(externalEndpoints, extraArgs, false, UnaryOperator.identity());
    }

    /**
     * An etcd whose client URL is {@code https} when {@code https} is set ({@code extraArgs} then carry
     * {@code --cert-file} and the rest; see {@link SecuredEtcd}); health is then read from a separate
     * plain-HTTP metrics URL, which needs no client certificate. {@code clientSetup} completes the
     * builder of {@link #client()}, e.g. with TLS and credentials.
     */
    EtcdServer(String externalEndpoints, List<String> extraArgs, boolean https, UnaryOperator<ClientBuilder> clientSetup) {
        this.extraArgs = List.copyOf(extraArgs);
        this.external = externalEndpoints == null || externalEndpoints.isBlank() ? null : externalEndpoints.trim();
        this.https = https;
        this.clientSetup = clientSetup;
    }

    /**
     * Starts etcd, or starts it again after {@link #kill()} or {@link #stop()} on the same ports and
     * data directory, and waits until it answers. With an external etcd, only checks that it answers.
     */
    public synchronized void start() {
        if (external != null) {
            awaitHealthy(null);
            return;
        }
        if (process != null && process.isAlive()) {
            return;
        }
        if (dir == null) {
            dir = TempDirs.create("ferry-etcd-");
            clientPort = Ports.free();
            peerPort = Ports.free();
            metricsPort = https ? Ports.free() : 0;
        }
        process = Processes.start(command(), log(), EtcdProcesses.environment());
        awaitHealthy(process);
        LOG.info("etcd (pid {}) answers at {} with data in {}", process.pid(), endpoint(), dataDir());
    }

    /** Kills etcd with SIGKILL, as a crash would; its data stays for {@link #start()}. */
    public synchronized void kill() {
        requireOwnProcess("kill");
        int exit = Processes.kill(process);
        LOG.info("etcd killed with SIGKILL (exit code {})", exit);
    }

    /** Stops etcd with SIGTERM and waits for it to exit; its data stays for {@link #start()}. */
    public synchronized void stop() {
        requireOwnProcess("stop");
        int exit = Processes.stop(process, Duration.ofSeconds(30));
        LOG.info("etcd stopped with SIGTERM (exit code {})", exit);
    }

    /** {@link #stop()} then {@link #start()}, keeping ports and data. */
    public synchronized void restart() {
        stop();
        start();
    }

    /** The client URL, {@code http://127.0.0.1:<port>} ({@code https} with TLS), or the external endpoints as given. */
    public String endpoint() {
        if (external != null) {
            return external;
        }
        if (dir == null) {
            throw new IllegalStateException("etcd has not been started; register EtcdServer as a static @RegisterExtension or call start()");
        }
        return (https ? "https" : "http") + "://127.0.0.1:" + clientPort;
    }

    /** A jetcd client for this etcd, created on first use and closed with the server. */
    public synchronized Client client() {
        if (client == null) {
            client = clientSetup.apply(EtcdProcesses.builder(endpoint())).build();
        }
        return client;
    }

    /**
     * Compacts the key-value history up to {@code revision} (physically, so that watches from older
     * revisions fail at once) and returns the revision etcd reported when it finished.
     */
    public long compact(long revision) {
        return EtcdProcesses.compact(client(), revision, endpoint());
    }

    /** The data directory of the etcd this testkit runs. */
    public Path dataDir() {
        requireOwnProcess("dataDir");
        return dir.resolve("data");
    }

    /** Kills etcd if it runs, closes the client and deletes the data. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (process != null) {
            Processes.kill(process);
            process = null;
        }
        TempDirs.delete(dir);
        dir = null;
    }

    private List<String> command() {
        String client = (https ? "https" : "http") + "://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> cmd = new ArrayList<>(List.of(EtcdBinary.locate(), "--name=ferry-test", "--data-dir=" + dir.resolve("data"),
                "--listen-client-urls=" + client, "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=ferry-test=" + peer, "--initial-cluster-state=new", "--logger=zap"));
        if (https) {
            cmd.add("--listen-metrics-urls=http://127.0.0.1:" + metricsPort);
        }
        cmd.addAll(extraArgs);
        return cmd;
    }

    private Path log() {
        return dir.resolve("etcd.log");
    }

    private void awaitHealthy(Process child) {
        String base = https && external == null ? "http://127.0.0.1:" + metricsPort : endpoint().split(",")[0].trim();
        String url = base + "/health";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        try {
            Awaitility.await("etcd at " + url).atMost(START_LIMIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .failFast("etcd exited", () -> child != null && !child.isAlive())
                    .until(() -> EtcdProcesses.healthy(http, base));
        } catch (RuntimeException | AssertionError e) {
            String detail = child == null ? "It is the external etcd named by " + ENV_ENDPOINTS + "; check that it runs."
                    : "Its log:\n" + Processes.tail(log(), 40);
            throw new IllegalStateException("etcd did not answer at " + url + " within " + START_LIMIT.toSeconds() + " s. " + detail, e);
        }
    }

    private void requireOwnProcess(String operation) {
        if (external != null) {
            throw new IllegalStateException("Cannot " + operation + " etcd: it is the external etcd named by " + ENV_ENDPOINTS + "="
                    + external + ", which the testkit does not run. Unset " + ENV_ENDPOINTS + " to run failure tests.");
        }
        if (dir == null || (process == null && !"dataDir".equals(operation))) {
            throw new IllegalStateException("Cannot " + operation + " etcd: it has not been started");
        }
    }
}
