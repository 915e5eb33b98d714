package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.cli.http.Health;
import io.ferry.cli.http.HttpEndpoint;
import io.ferry.testkit.Ports;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry health} in-process against Ferry's own HTTP endpoint, serving a health the test sets. A real
 * process's failed /health lasts at most half a second (ServiceRunner then closes the endpoint and exits), too
 * short to catch from a second JVM, so the 503 of a failed component is checked here; HealthCommandIT runs the
 * packaged jar against a real {@code ferry run}.
 */
class HealthCommandTest {

    private static final String TOKEN = "health-test-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void aFailedComponentIsExitOneWithTheReasonAndAnEndpointOnEveryAddressIsAskedOnLoopback() throws Exception {
        int port = Ports.free();
        AtomicReference<Health> health = new AtomicReference<>(new Health(true, false, "watcher is STANDBY", 0));
        try (HttpEndpoint endpoint = HttpEndpoint.start("0.0.0.0", port, Optional.of(TOKEN),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), health::get)) {
            Path config = config("http.bind: 0.0.0.0", "http.port: " + port, "http.token: " + TOKEN);

            Printed alive = Printed.execute("health", "-c", config.toString());
            assertEquals(Ferry.EXIT_OK, alive.exit(), alive.toString());
            assertEquals("http://127.0.0.1:" + port + "/health: ok", alive.out().strip());

            Printed notReady = Printed.execute("health", "-c", config.toString(), "--ready");
            assertEquals(Ferry.EXIT_DIFFERENCES, notReady.exit(), notReady.toString());
            assertEquals("http://127.0.0.1:" + port + "/ready: not ready: watcher is STANDBY", notReady.out().strip(),
                    "the token was sent, so the reason is given");

            health.set(new Health(false, false, "watcher failed: etcd refused campaigning\n  in the election", 0));
            Printed failed = Printed.execute("health", "-c", config.toString());
            assertEquals(Ferry.EXIT_DIFFERENCES, failed.exit(), failed.toString());
            assertEquals("http://127.0.0.1:" + port + "/health: failed: watcher failed: etcd refused campaigning in the election",
                    failed.out().strip(), "one line");
        }
    }

    @Test
    void nothingToAskIsExitTwoWithOneLine() throws Exception {
        int port = Ports.free();
        Printed nothing = Printed.execute("health", "-c", config("http.port: " + port).toString());
        assertEquals(Ferry.EXIT_ERROR, nothing.exit(), nothing.toString());
        assertEquals("ferry health: nothing answers on http://127.0.0.1:" + port + "/health: connection refused",
                nothing.err().strip());

        Printed disabled = Printed.execute("health", "-c", config("http.enabled: false").toString());
        assertEquals(Ferry.EXIT_ERROR, disabled.exit(), disabled.toString());
        assertTrue(disabled.err().strip().startsWith("ferry health: http.enabled is false in "), disabled.err());
        assertEquals(1, disabled.err().strip().lines().count(), disabled.err());

        Printed picked = Printed.execute("health", "-c", config("http.port: 0").toString());
        assertEquals(Ferry.EXIT_ERROR, picked.exit(), picked.toString());
        assertTrue(picked.err().contains("set http.port to a fixed port"), picked.err());
    }

    private Path config(String... lines) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "ferry", ".yaml"), String.join("\n", lines) + "\n");
    }
}
