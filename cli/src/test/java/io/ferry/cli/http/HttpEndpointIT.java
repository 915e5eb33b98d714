package io.ferry.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The endpoint over real HTTP, and its status page rendered by a real headless Chromium. */
@Timeout(120)
class HttpEndpointIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void metricsHealthReadinessAndStatusPage(@TempDir Path dir) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicLong lag = new AtomicLong(5000);
        Gauge.builder("ferry.watcher.revision.lag", lag, AtomicLong::get).description("test gauge").register(registry);
        AtomicReference<Health> health = new AtomicReference<>(new Health(true, false, "lag 5000 > 1000 revisions", 5000));

        try (HttpEndpoint endpoint = HttpEndpoint.start("127.0.0.1", 0, registry, health::get)) {
            String base = "http://127.0.0.1:" + endpoint.port();
            HttpResponse<String> metrics = get(base + "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("ferry_watcher_revision_lag 5000"), metrics.body());
            assertEquals(200, get(base + "/health").statusCode());
            HttpResponse<String> notReady = get(base + "/ready");
            assertEquals(503, notReady.statusCode());
            assertTrue(notReady.body().contains("lag 5000 > 1000 revisions"), notReady.body());

            health.set(new Health(true, true, null, 3));
            assertEquals(200, get(base + "/ready").statusCode());
            Thread.sleep(2100); // two lag samples for the chart; the sampler runs once a second

            String dom = chromiumDom(dir, base + "/");
            assertTrue(dom.contains("id=\"state\" class=\"state ready\">READY</div>"), dom);
            String points = dom.replaceAll("(?s).*<polyline id=\"lag-line\"[^>]*points=\"([^\"]*)\".*", "$1");
            assertTrue(points.split(" ").length >= 2, "the lag chart has a line: " + points);

            health.set(new Health(false, false, "watcher failed: etcd unreachable", 0));
            HttpResponse<String> dead = get(base + "/health");
            assertEquals(503, dead.statusCode());
            assertTrue(dead.body().contains("etcd unreachable"));
            assertEquals(404, get(base + "/nope").statusCode());
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chromiumDom(Path dir, String url) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertTrue(Files.isExecutable(chromium), "headless Chromium is needed: run deploy/local/stack.sh prereqs");
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=3000", "--dump-dom", url));
        Path out = dir.resolve("dom.html");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium did not finish");
        return Files.readString(out);
    }
}
