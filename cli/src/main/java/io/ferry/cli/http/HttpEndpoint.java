package io.ferry.cli.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ferry.core.FerryException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of a running ferry process, on the JDK's own HTTP server:
 * <ul>
 *   <li>{@code /metrics}: every Micrometer meter in Prometheus text format;</li>
 *   <li>{@code /health}: liveness, 200 while no component has failed for good;</li>
 *   <li>{@code /ready}: readiness, 200 while replication is caught up within the bounds;</li>
 *   <li>{@code /status.json}: health plus the lag history;</li>
 *   <li>{@code /}: a status page that charts the lag over the last minutes.</li>
 * </ul>
 */
public final class HttpEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);

    private final HttpServer server;
    private final ScheduledExecutorService sampler;
    private final LagHistory history = new LagHistory();
    private final AtomicBoolean closed = new AtomicBoolean();

    private HttpEndpoint(HttpServer server, ScheduledExecutorService sampler) {
        this.server = server;
        this.sampler = sampler;
    }

    public static HttpEndpoint start(String bind, int port, PrometheusMeterRegistry registry, Supplier<Health> health) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        } catch (IOException e) {
            throw new FerryException("cannot serve HTTP on " + bind + ":" + port + ": " + e.getMessage()
                    + ". Choose a free port with http.port, or turn the endpoint off with http.enabled: false.", e);
        }
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-http-sampler");
            t.setDaemon(true);
            return t;
        });
        HttpEndpoint endpoint = new HttpEndpoint(server, sampler);
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health", ex -> {
            Health h = health.get();
            respond(ex, h.alive() ? 200 : 503, "text/plain; charset=utf-8", h.alive() ? "ok\n" : "failed: " + h.reason() + "\n");
        });
        server.createContext("/ready", ex -> {
            Health h = health.get();
            respond(ex, h.ready() ? 200 : 503, "text/plain; charset=utf-8", h.ready() ? "ready\n" : "not ready: " + h.reason() + "\n");
        });
        server.createContext("/status.json", ex -> respond(ex, 200, "application/json", endpoint.statusJson(health.get())));
        server.createContext("/", ex -> {
            if (!ex.getRequestURI().getPath().equals("/")) {
                respond(ex, 404, "text/plain; charset=utf-8", "not found: try /, /metrics, /health, /ready\n");
                return;
            }
            respond(ex, 200, "text/html; charset=utf-8", page());
        });
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ferry-http-worker");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        sampler.scheduleAtFixedRate(() -> endpoint.history.add(System.currentTimeMillis(), health.get().revisionLag()),
                0, 1, TimeUnit.SECONDS);
        LOG.info("HTTP endpoint on http://{}:{}/ (/metrics, /health, /ready)", bind, endpoint.port());
        return endpoint;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private String statusJson(Health h) {
        return "{\"alive\":" + h.alive() + ",\"ready\":" + h.ready() + ",\"reason\":" + quote(h.reason())
                + ",\"revision_lag\":" + h.revisionLag() + ",\"lag_history\":" + history.json() + "}";
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static String page() throws IOException {
        try (InputStream in = HttpEndpoint.class.getResourceAsStream("status.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            sampler.shutdownNow();
            server.stop(1);
        }
    }
}
