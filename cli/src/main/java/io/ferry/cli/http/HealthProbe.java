package io.ferry.cli.http;

import io.ferry.core.config.HttpConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a running ferry process's endpoint ({@link HttpEndpoint}) for {@code /health} or {@code /ready}, as
 * {@code ferry health} does for a container's healthcheck. It sends {@code http.token} when there is one:
 * the probes answer without it, but give their reason only with it.
 */
public final class HealthProbe {

    /** Short, so that an endpoint that does not answer fails the check before the orchestrator's own timeout does. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(5);

    /**
     * What the endpoint said.
     *
     * @param status the HTTP status
     * @param text its body on one line: "ok", "ready", "failed: reason", "not ready: reason"
     */
    public record Answer(int status, String text) {
    }

    private HealthProbe() {
    }

    /**
     * The URL to ask for {@code path} on the endpoint {@code http} describes. A bind to every address is asked on
     * loopback, which it includes; {@code http.port: 0} (a port picked at start) cannot be known from the file.
     */
    public static URI address(HttpConfig http, String path) {
        if (http.port() == 0) {
            throw new IllegalArgumentException("http.port is 0 (a free port picked at start), so the port cannot be "
                    + "known from the configuration: set http.port to a fixed port");
        }
        String host = switch (http.bind()) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "[::]", "::0" -> "[::1]";
            default -> http.bind().contains(":") && !http.bind().startsWith("[") ? "[" + http.bind() + "]" : http.bind();
        };
        return URI.create("http://" + host + ":" + http.port() + path);
    }

    /**
     * Requests {@code url}.
     *
     * @throws IOException when nothing answers there within the timeouts, with the reason in its message
     */
    public static Answer ask(URI url, HttpConfig http) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(TOTAL_TIMEOUT).GET();
        http.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        try {
            HttpResponse<String> r = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                    .get(TOTAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new Answer(r.statusCode(), oneLine(r.body()));
        } catch (TimeoutException e) {
            throw new IOException("no answer within " + TOTAL_TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = cause.getMessage() == null || cause.getMessage().isBlank()
                    ? cause.getClass().getSimpleName() : cause.getMessage();
            throw new IOException(cause instanceof java.net.ConnectException ? "connection refused" : why, cause);
        }
    }

    /** A reason may hold an exception's message over several lines; a healthcheck's log wants one. */
    private static String oneLine(String body) {
        return body.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
