package io.ferry.cli.demo;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.ferry.core.FerryException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-member etcd for the demo, on free loopback ports with its data in a directory of the
 * demo's own. Installs Debian's etcd-server first when no etcd is on PATH and we are root, since
 * the demo promises to work on a fresh machine; otherwise it says what to install.
 */
public final class LocalEtcd implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final String endpoint;

    private LocalEtcd(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static LocalEtcd start(Path dir) throws IOException, InterruptedException {
        Path binary = findOrInstall();
        int client = freePort();
        int peer = freePort();
        String endpoint = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        Files.createDirectories(dir);
        Path log = dir.resolve("etcd.log");
        Process p = new ProcessBuilder(List.of(binary.toString(), "--name", "ferry-demo", "--data-dir",
                dir.resolve("data").toString(), "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "ferry-demo=" + peerUrl))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalEtcd etcd = new LocalEtcd(p, endpoint);
        etcd.awaitReady(log);
        return etcd;
    }

    public String endpoint() {
        return endpoint;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitReady(Path log) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (Client c = Client.builder().endpoints(endpoint).build()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new FerryException("etcd exited at start with code " + process.exitValue() + "; see " + log);
                }
                try {
                    c.getKVClient().get(ByteSequence.from(new byte[] {0})).get(2, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        close();
                        throw new FerryException("etcd did not answer on " + endpoint + " within "
                                + START_TIMEOUT.toSeconds() + " s; see " + log);
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    private static Path findOrInstall() throws IOException, InterruptedException {
        Path found = onPath();
        if (found != null) {
            return found;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new FerryException("etcd is not installed. Install it (Debian: sudo apt-get install etcd-server), "
                    + "then run the demo again.");
        }
        System.out.println("      etcd is not installed: installing Debian's etcd-server package...");
        run("apt-get", "update", "-qq");
        run("apt-get", "install", "-y", "-qq", "etcd-server");
        found = onPath();
        if (found == null) {
            throw new FerryException("etcd is still not on PATH after installing etcd-server");
        }
        return found;
    }

    private static Path onPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "etcd");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        int exit = pb.start().waitFor();
        if (exit != 0) {
            throw new FerryException(String.join(" ", cmd) + " failed with exit code " + exit
                    + "; install etcd-server by hand and run the demo again");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
