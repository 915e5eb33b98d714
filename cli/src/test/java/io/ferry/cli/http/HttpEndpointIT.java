package io.ferry.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The endpoint over real HTTP, and its status page rendered by a real headless Chromium. */
@Timeout(120)
class HttpEndpointIT {

    private static final String TOKEN = "t0ken-" + java.util.UUID.randomUUID();
    private static final List<String> PATHS = List.of("/", "/status.js", "/status.css", "/status.json", "/metrics",
            "/health", "/ready", "/nope");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void metricsHealthReadinessAndStatusPage(@TempDir Path dir) throws Exception {
        PrometheusMeterRegistry registry = registry(5000);
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
            awaitTwoLagSamples(base, Optional.empty());

            String dom = chromiumDom(dir, base + "/");
            assertStatusPageRendered(dom, "ready\">READY</div>");

            health.set(new Health(false, false, "watcher failed: etcd unreachable", 0));
            HttpResponse<String> dead = get(base + "/health");
            assertEquals(503, dead.statusCode());
            assertTrue(dead.body().contains("etcd unreachable"));
            assertEquals(404, get(base + "/nope").statusCode());
        }
    }

    /**
     * The page a person keeps open: each part's meters as a ferry process registers them, rendered by Chromium.
     * After a cutover's switch the badge says SWITCHED, not READY: replication no longer applies etcd's changes.
     */
    @Test
    void theStatusPageShowsEachPartWhereItPointsAndTheLagOverTime(@TempDir Path dir) throws Exception {
        PrometheusMeterRegistry registry = registry(4);
        gauge(registry, "ferry.build.info", 1, "version", "1.2.3", "java", "17.0.15");
        for (String state : List.of("starting", "standby", "snapshotting", "streaming")) {
            gauge(registry, "ferry.watcher.state", state.equals("streaming") ? 1 : 0, "state", state);
        }
        gauge(registry, "ferry.watcher.etcd.revision", 1204);
        gauge(registry, "ferry.watcher.produced.revision", 1200);
        gauge(registry, "ferry.watcher.epoch", 2);
        gauge(registry, "ferry.watcher.snapshot.keys.total", 1000);
        gauge(registry, "ferry.watcher.snapshot.keys.done", 500);
        gauge(registry, "ferry.watcher.snapshot.eta", 42);
        for (int p = 0; p < 2; p++) {
            gauge(registry, "ferry.sink.watermark", 1190 + p, "partition", Integer.toString(p));
            gauge(registry, "ferry.sink.offset", 45 + p, "partition", Integer.toString(p));
            gauge(registry, "ferry.sink.partition.lag", 3 + p, "partition", Integer.toString(p));
        }
        gauge(registry, "ferry.sink.consumer.lag", 7);
        gauge(registry, "ferry.sink.partitions.halted", 0);
        for (String phase : List.of("forward", "frozen", "switched", "rolled_back")) {
            gauge(registry, "ferry.cutover.phase", phase.equals("switched") ? 1 : 0, "phase", phase);
        }
        gauge(registry, "ferry.reverse.state", 1, "state", "streaming");
        gauge(registry, "ferry.reverse.last.applied.age", 12);
        Map<String, String> facts = Map.of("database", "postgres://db.example:5432/app, table etcd_kv");

        try (HttpEndpoint endpoint = HttpEndpoint.start("127.0.0.1", 0, Optional.empty(), registry,
                () -> new Health(true, true, null, 4), facts)) {
            String base = "http://127.0.0.1:" + endpoint.port();
            awaitTwoLagSamples(base, Optional.empty());
            String dom = chromiumDom(dir, base + "/");
            assertStatusPageRendered(dom, "switched\">SWITCHED</div>");
            for (String shown : List.of("SQL is authoritative", "<th>Ferry</th><td>1.2.3 on Java 17.0.15</td>",
                    "<th>database</th><td>postgres://db.example:5432/app, table etcd_kv</td>", "<th>Role</th><td>streaming</td>",
                    "<th>Behind etcd</th><td>4 revisions</td>", "Snapshot: 500 of 1000 keys (50%), about 42 s to go",
                    "<tr><td>0</td><td>1190</td><td>45</td><td>3</td></tr>", "<tr><td>1</td><td>1191</td><td>46</td><td>4</td></tr>",
                    "7 records not yet consumed; no partition halted.", "<th>Phase</th><td>switched</td>",
                    "<th>Reverse writer</th><td>streaming</td>", "<th>Last copied into etcd</th><td>12 s ago</td>",
                    ">revisions</text>")) {
                assertTrue(dom.contains(shown), "the page shows '" + shown + "':\n" + dom);
            }
            assertTrue(dom.matches("(?s).*class=\"axis-label\"[^>]*>\\d{2}:\\d{2}:\\d{2}.*"), "clock times on the time axis:\n" + dom);
            Path png = dir.resolve("status-page.png");
            chromium(dir, "--screenshot=" + png, "--window-size=1000,1500", base + "/");
            assertTrue(Files.size(png) > 10_000, "a screenshot of the page");
            Path shots = Path.of("target", "screenshots");
            Files.createDirectories(shots);
            Files.copy(png, shots.resolve("status-page.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void gauge(PrometheusMeterRegistry registry, String name, double value, String... tags) {
        Gauge.builder(name, () -> value).tags(tags).register(registry);
    }

    @Test
    void onlyGetAndHeadAreAnswered() throws Exception {
        try (HttpEndpoint endpoint = HttpEndpoint.start("127.0.0.1", 0, registry(7), () -> new Health(true, true, null, 7))) {
            String base = "http://127.0.0.1:" + endpoint.port();
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
                for (String path : List.of("/", "/metrics", "/health", "/nope")) {
                    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path))
                            .method(method, HttpRequest.BodyPublishers.ofString("x")).build());
                    assertEquals(405, r.statusCode(), method + " " + path);
                    assertEquals(Optional.of("GET, HEAD"), r.headers().firstValue("Allow"), method + " " + path);
                }
            }
            HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
            assertTrue(head.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), head.headers().toString());
            assertTrue(get(base + "/metrics").body().contains("ferry_watcher_revision_lag 7"));
        }
    }

    @Test
    void everyAnswerForbidsSniffingAndForeignContent() throws Exception {
        try (HttpEndpoint endpoint = HttpEndpoint.start("127.0.0.1", 0, Optional.of(TOKEN), registry(1),
                () -> new Health(true, true, null, 1))) {
            String base = "http://127.0.0.1:" + endpoint.port();
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (String path : PATHS) {
                answers.add(get(base + path)); // without the token: 401 for most
                answers.add(send(authorized(base + path, "Bearer " + TOKEN).build()));
            }
            answers.add(send(HttpRequest.newBuilder(URI.create(base + "/")).POST(HttpRequest.BodyPublishers.noBody()).build()));
            for (HttpResponse<String> r : answers) {
                String what = r.request().method() + " " + r.uri().getPath() + " -> " + r.statusCode();
                assertEquals(Optional.of("nosniff"), r.headers().firstValue("X-Content-Type-Options"), what);
                assertEquals(Optional.of(HttpEndpoint.CONTENT_SECURITY_POLICY),
                        r.headers().firstValue("Content-Security-Policy"), what);
            }
            assertTrue(HttpEndpoint.CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
            assertFalse(HttpEndpoint.CONTENT_SECURITY_POLICY.contains("unsafe"));
        }
    }

    @Test
    void aTokenGuardsAllButTheProbesAndTheStatusPageStillWorksInABrowser(@TempDir Path dir) throws Exception {
        AtomicReference<Health> health = new AtomicReference<>(
                new Health(true, false, "sink partition [2] is halted on a bad record", 0));
        try (HttpEndpoint endpoint = HttpEndpoint.start("127.0.0.1", 0, Optional.of(TOKEN), registry(0), health::get)) {
            String base = "http://127.0.0.1:" + endpoint.port();
            for (String path : List.of("/", "/status.js", "/status.css", "/status.json", "/metrics")) {
                HttpResponse<String> open = get(base + path);
                assertEquals(401, open.statusCode(), path);
                assertTrue(open.headers().allValues("WWW-Authenticate").contains("Bearer realm=\"ferry\""), path);
                assertEquals(401, send(authorized(base + path, "Bearer wrong-" + TOKEN).build()).statusCode(), path);
                assertEquals(401, send(authorized(base + path, "Bearer " + TOKEN.substring(1)).build()).statusCode(), path);
                assertEquals(200, send(authorized(base + path, "Bearer " + TOKEN).build()).statusCode(), path);
                assertEquals(200, send(authorized(base + path, basic("anyone", TOKEN)).build()).statusCode(), path);
            }
            // The probes stay open, but tell their reason only to whoever holds the token.
            assertEquals(200, get(base + "/health").statusCode());
            HttpResponse<String> ready = get(base + "/ready");
            assertEquals(503, ready.statusCode());
            assertEquals("not ready\n", ready.body());
            HttpResponse<String> readyWithToken = send(authorized(base + "/ready", "Bearer " + TOKEN).build());
            assertEquals(503, readyWithToken.statusCode());
            assertTrue(readyWithToken.body().contains("halted on a bad record"), readyWithToken.body());

            health.set(new Health(true, true, null, 0));
            awaitTwoLagSamples(base, Optional.of("Bearer " + TOKEN));
            // A browser asked for credentials sends them as HTTP Basic, for the page, its script and its fetches.
            String dom = chromiumDom(dir, "http://ferry:" + TOKEN + "@127.0.0.1:" + endpoint.port() + "/");
            assertStatusPageRendered(dom, "ready\">READY</div>");
        }
    }

    private static void assertStatusPageRendered(String dom, String state) {
        assertTrue(dom.contains("id=\"state\" class=\"state " + state), "the script ran under the CSP: " + dom);
        String points = dom.replaceAll("(?s).*<polyline id=\"lag-line\"[^>]*points=\"([^\"]*)\".*", "$1");
        assertTrue(points.split(" ").length >= 2, "the lag chart has a line: " + points);
    }

    /** The chart needs two samples; the sampler takes one a second. */
    private void awaitTwoLagSamples(String base, Optional<String> authorization) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/status.json"));
            authorization.ifPresent(a -> b.header("Authorization", a));
            return send(b.build()).body().matches("(?s).*\"lag_history\":\\[\\[[^]]*],\\[.*");
        });
    }

    private static PrometheusMeterRegistry registry(long lag) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Strongly held: Micrometer holds a gauge's object weakly, and nothing else holds this one.
        Gauge.builder("ferry.watcher.revision.lag", new AtomicLong(lag), AtomicLong::get).strongReference(true)
                .description("test gauge").register(registry);
        return registry;
    }

    private static HttpRequest.Builder authorized(String url, String authorization) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String chromiumDom(Path dir, String url) throws Exception {
        return chromium(dir, "--dump-dom", url);
    }

    /** Runs headless Chromium on {@code url} after letting its script run for 3 s of virtual time; returns what it printed. */
    private static String chromium(Path dir, String... args) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertTrue(Files.isExecutable(chromium), "headless Chromium is needed: run deploy/local/stack.sh prereqs");
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=3000"));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("dom.html");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium did not finish");
        return Files.readString(out);
    }
}
