package io.ferry.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image tarball that {@code mvn -Pimage} writes (only that profile runs this test):
 * its configuration runs Ferry as the unprivileged user, and its layers, unpacked into a
 * directory, make a root file system in which the image's own Java runs the {@code ferry}
 * command. No Docker daemon is needed to prove the image works.
 */
@Timeout(300)
class ImageTarballIT {

    private static final Path TARBALL = Path.of("target", "ferry-image.tar");

    @TempDir
    Path dir;

    @Test
    void theImageRunsFerryAsAnUnprivilegedUser() throws Exception {
        assertTrue(Files.exists(TARBALL), TARBALL.toAbsolutePath() + " is missing: run with -Pimage");
        Path oci = Files.createDirectories(dir.resolve("oci"));
        run(List.of("tar", "-xf", TARBALL.toAbsolutePath().toString(), "-C", oci.toString()));

        JsonNode index = DeployFiles.json(oci.resolve("index.json"));
        JsonNode manifest = DeployFiles.json(blob(oci, index.path("manifests").path(0).path("digest").asText()));
        JsonNode config = DeployFiles.json(blob(oci, manifest.path("config").path("digest").asText())).path("config");
        assertEquals("10001:10001", config.path("User").asText(), "the image runs as the unprivileged user ferry");
        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
        assertEquals("/opt/java/bin/java", entrypoint.get(0), entrypoint.toString());
        assertTrue(entrypoint.contains("io.ferry.cli.Ferry"), entrypoint.toString());
        assertTrue(config.path("ExposedPorts").has("8787/tcp"), config.toString());

        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        for (JsonNode layer : manifest.path("layers")) {
            run(List.of("tar", "--warning=no-unknown-keyword", "-xzf", blob(oci, layer.path("digest").asText()).toString(),
                    "-C", rootfs.toString()));
        }
        assertTrue(Files.readString(rootfs.resolve("etc/passwd")).contains("ferry:x:10001:10001"), "the image has the user ferry");
        scannersCanListWhatIsInside(rootfs);

        // As a container runtime would: its own /proc (the loader resolves $ORIGIN through it) and the image's user.
        Files.createDirectories(rootfs.resolve("proc"));
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--mount-proc=" + rootfs.resolve("proc")));
        command.addAll(isRoot() ? List.of("chroot", "--userspec=10001:10001") : List.of("--map-root-user", "chroot"));
        command.add(rootfs.toString());
        command.addAll(entrypoint);
        List<String> inImage = new ArrayList<>(command);
        command.add("--version");
        String out = run(command);
        assertTrue(out.matches("(?s).*ferry \\d+\\.\\d+.*"), "ferry --version inside the image printed: " + out);

        healthcheckRunsInTheImage(rootfs, inImage.subList(0, inImage.size() - entrypoint.size()));
    }

    /**
     * The compose file's healthcheck, as written there (it replaces the entry point), run inside the image
     * against an endpoint on the host's loopback, which the image's process shares as a container's
     * healthcheck shares its container's: exit 0 while it answers 200, 1 with the reason once it answers 503.
     */
    private void healthcheckRunsInTheImage(Path rootfs, List<String> container) throws Exception {
        JsonNode watcher = DeployFiles.yamlWithMerges(DeployFiles.deploy("compose/compose.yaml")).path("services").path("watcher");
        List<String> test = new ArrayList<>();
        DeployFiles.at(watcher, "healthcheck.test").forEach(a -> test.add(a.asText()));
        assertEquals("CMD", test.get(0), test.toString());
        int port = io.ferry.testkit.Ports.free();
        String token = "image-healthcheck-token-0123";
        // Where the compose file mounts the service's ferry.yaml; the image's own /etc/ferry is empty.
        Files.writeString(rootfs.resolve("etc/ferry/ferry.yaml"), "http:\n  bind: 0.0.0.0\n  port: " + port
                + "\n  token: " + token + "\n");
        var health = new java.util.concurrent.atomic.AtomicReference<>(new io.ferry.cli.http.Health(true, true, null, 0));
        try (var endpoint = io.ferry.cli.http.HttpEndpoint.start("127.0.0.1", port, java.util.Optional.of(token),
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT), health::get)) {
            List<String> check = new ArrayList<>(container);
            check.addAll(test.subList(1, test.size()));
            Exit ok = exec(check);
            assertEquals(0, ok.code(), "the healthcheck inside the image: " + ok.out());
            assertTrue(ok.out().contains("/health: ok"), ok.out());

            health.set(new io.ferry.cli.http.Health(false, false, "watcher failed: etcd refused campaigning", 0));
            Exit failed = exec(check);
            assertEquals(1, failed.code(), "the healthcheck inside the image: " + failed.out());
            assertTrue(failed.out().contains("/health: failed: watcher failed: etcd refused campaigning"), failed.out());
        }
    }

    /**
     * What a vulnerability scanner reads of an image without dpkg: the distribution in /etc/os-release and one
     * control file per package in /var/lib/dpkg/status.d (distroless' layout). Every native library in the image
     * must belong to a recorded package, by content, or a scanner would miss it; the runtime is found by its
     * release file and, when the build JDK is Debian's, by that package.
     */
    private static void scannersCanListWhatIsInside(Path rootfs) throws Exception {
        String osRelease = Files.readString(rootfs.resolve("etc/os-release"));
        assertTrue(osRelease.contains("ID=debian") && osRelease.matches("(?s).*VERSION_ID=\"\\d+\".*"), osRelease);
        Path statusD = rootfs.resolve("var/lib/dpkg/status.d");
        java.util.Set<String> recordedDigests = new java.util.HashSet<>();
        for (String name : List.of("libc6", "libgcc-s1", "libstdc++6", "zlib1g")) {
            String control = Files.readString(statusD.resolve(name));
            assertTrue(control.contains("Package: " + name + "\n"), control);
            assertTrue(control.matches("(?s).*\nVersion: \\S+\n.*") && control.contains("\nArchitecture: "), control);
            assertTrue(control.contains("\nStatus: install ok installed"), control);
        }
        try (var files = Files.list(statusD)) {
            for (Path md5sums : files.filter(f -> f.toString().endsWith(".md5sums")).toList()) {
                Files.readAllLines(md5sums).forEach(line -> recordedDigests.add(line.split("\\s+", 2)[0]));
            }
        }
        List<Path> libraries;
        try (var files = Files.walk(rootfs)) {
            libraries = files.filter(Files::isRegularFile)
                    .filter(f -> !f.startsWith(rootfs.resolve("opt")) && f.getFileName().toString().matches(".*\\.so(\\.\\d+)*"))
                    .toList();
        }
        assertTrue(libraries.size() > 5, "the image's native libraries: " + libraries);
        for (Path library : libraries) {
            String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(Files.readAllBytes(library)));
            assertTrue(recordedDigests.contains(md5), rootfs.relativize(library) + " belongs to no package in status.d");
        }
        assertTrue(Files.readString(rootfs.resolve("opt/java/release")).contains("JAVA_VERSION="), "opt/java/release");
        Exit owner = exec(List.of("dpkg", "-S", Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().toString()));
        if (owner.code() == 0) {
            String runtimePackage = owner.out().split(":", 2)[0].trim();
            assertTrue(Files.exists(statusD.resolve(runtimePackage)), "the runtime's package " + runtimePackage + " in status.d");
        }
    }

    private record Exit(int code, String out) {
    }

    private static Exit exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command + " did not finish");
        return new Exit(p.exitValue(), out);
    }

    private static Path blob(Path oci, String digest) {
        return oci.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Exit e = exec(command);
        assertEquals(0, e.code(), command + " failed:\n" + e.out());
        return e.out();
    }
}
