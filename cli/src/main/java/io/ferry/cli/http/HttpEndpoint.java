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
import java.util.Map;
import java.util.Optional;
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
 *   <li>{@code /status.json}: health, what each part of the process reports ({@link StatusView}) and the lag
 *       history;</li>
 *   <li>{@code /}: a status page that charts the lag over the last minutes ({@code /status.js},
 *       {@code /status.css}).</li>
 * </ul>
 *
 * <p>It answers GET and HEAD only (anything else is 405 with {@code Allow}), and every answer carries
 * {@code X-Content-Type-Options: nosniff} and a Content-Security-Policy that allows nothing but this
 * origin's own script, style and {@code /status.json}: the page has no inline script or style, so it
 * works under the policy. With a token ({@code http.token}), every path but the probes requires it
 * ({@link BearerToken}); {@code /health} and {@code /ready} stay open for orchestrators' probes, which
 * should not need a secret in a pod spec, and then say only their status, not its reason.
 */
public final class HttpEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);

    /** Only what the status page needs: its own script and style, and fetches of this origin. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String ALLOWED = "GET, HEAD";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;
    private final ScheduledExecutorService sampler;
    private final LagHistory history = new LagHistory();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final PrometheusMeterRegistry registry;
    private final Supplier<Health> health;
    private final Optional<BearerToken> token;
    private final StatusView status;

    private HttpEndpoint(HttpServer server, ScheduledExecutorService sampler, PrometheusMeterRegistry registry,
                         Supplier<Health> health, Optional<BearerToken> token, Map<String, String> facts) {
        this.server = server;
        this.sampler = sampler;
        this.registry = registry;
        this.health = health;
        this.token = token;
        this.status = new StatusView(registry, facts);
    }

    /** An endpoint open to whoever reaches the port. */
    public static HttpEndpoint start(String bind, int port, PrometheusMeterRegistry registry, Supplier<Health> health) {
        return start(bind, port, Optional.empty(), registry, health);
    }

    /**
     * Serves on {@code bind:port}; with {@code token}, every path but {@code /health} and {@code /ready} requires it.
     *
     * @throws FerryException when the port cannot be bound
     */
    public static HttpEndpoint start(String bind, int port, Optional<String> token, PrometheusMeterRegistry registry,
                                     Supplier<Health> health) {
        return start(bind, port, token, registry, health, Map.of());
    }

    /**
     * As {@link #start(String, int, Optional, PrometheusMeterRegistry, Supplier)}, with where the process points
     * ({@code facts}: etcd, Kafka, the database; no secret) for the status page.
     */
    public static HttpEndpoint start(String bind, int port, Optional<String> token, PrometheusMeterRegistry registry,
                                     Supplier<Health> health, Map<String, String> facts) {
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
        HttpEndpoint endpoint = new HttpEndpoint(server, sampler, registry, health, token.map(BearerToken::new), facts);
        server.createContext("/", endpoint::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ferry-http-worker");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        sampler.scheduleAtFixedRate(() -> endpoint.history.add(System.currentTimeMillis(), health.get().revisionLag()),
                0, 1, TimeUnit.SECONDS);
        LOG.info("HTTP endpoint on http://{}:{}/ (/metrics, /health, /ready){}", bind, endpoint.port(),
                token.isPresent() ? "; every path but /health and /ready requires http.token" : "");
        return endpoint;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", ALLOWED);
                respond(ex, 405, TEXT, "method " + method + " not allowed: this endpoint answers " + ALLOWED + "\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            boolean authorized = token.map(t -> t.admits(ex.getRequestHeaders().getFirst("Authorization"))).orElse(true);
            switch (path) {
                case "/health" -> {
                    Health h = health.get();
                    respond(ex, h.alive() ? 200 : 503, TEXT, h.alive() ? "ok\n" : "failed" + reason(h, authorized));
                }
                case "/ready" -> {
                    Health h = health.get();
                    respond(ex, h.ready() ? 200 : 503, TEXT, h.ready() ? "ready\n" : "not ready" + reason(h, authorized));
                }
                case "/metrics", "/status.json", "/", "/status.js", "/status.css" -> {
                    if (!authorized) {
                        // Basic too, so that a browser asks for the token (as the password) and the status page works.
                        ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"ferry\"");
                        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"ferry\", charset=\"UTF-8\"");
                        respond(ex, 401, TEXT, "unauthorized: send 'Authorization: Bearer <http.token>'\n");
                        return;
                    }
                    serve(ex, path);
                }
                default -> respond(ex, 404, TEXT, "not found: try /, /metrics, /health, /ready\n");
            }
        }
    }

    private void serve(HttpExchange ex, String path) throws IOException {
        switch (path) {
            case "/metrics" -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            case "/status.json" -> respond(ex, 200, "application/json", statusJson(health.get()));
            case "/status.js" -> respond(ex, 200, "text/javascript; charset=utf-8", resource("status.js"));
            case "/status.css" -> respond(ex, 200, "text/css; charset=utf-8", resource("status.css"));
            default -> respond(ex, 200, "text/html; charset=utf-8", resource("status.html"));
        }
    }

    /** Why, for whoever holds the token (or when there is none): reasons may name hosts and errors. */
    private static String reason(Health h, boolean authorized) {
        return authorized ? ": " + h.reason() + "\n" : "\n";
    }

    private String statusJson(Health h) {
        return status.json(h, history);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = HttpEndpoint.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1); // the headers a GET would get, and no body
            return;
        }
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
