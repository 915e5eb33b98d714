package io.ferry.watcher.engine;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.ferry.core.config.EtcdConfig;
import io.ferry.watcher.WatcherException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Builds the jetcd client from {@link EtcdConfig} and checks at start-up that etcd answers. */
public final class EtcdClients {

    /** A watch response or a snapshot page may carry many 1.5 MiB values; gRPC's 4 MiB default is too small. */
    private static final int MAX_INBOUND_BYTES = Integer.MAX_VALUE;
    /** The shortest attempt of {@link #probe}: a member that answers at all answers a count-only read within it. */
    private static final long MIN_ATTEMPT_MS = 1000;

    private EtcdClients() {
    }

    public static Client build(EtcdConfig config) {
        ClientBuilder b = Client.builder()
                .endpoints(config.endpoints().toArray(java.net.URI[]::new))
                .connectTimeout(config.connectTimeout())
                // A member that hangs, or a link that drops packets without a reset, leaves a connection
                // that looks open; gRPC's keep-alive finds it dead within 15 s, and the client moves on to
                // another member. etcd refuses pings more often than every 5 s, and pings with no call
                // in progress (--grpc-keepalive-min-time, no permit without stream).
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5))
                .keepaliveWithoutCalls(false)
                .maxInboundMessageSize(MAX_INBOUND_BYTES);
        config.user().ifPresent(u -> b.user(ByteSequence.from(u, StandardCharsets.UTF_8)));
        config.password().ifPresent(p -> b.password(ByteSequence.from(p, StandardCharsets.UTF_8)));
        if (config.tlsCaFile().isPresent() || config.tlsCertFile().isPresent()) {
            try {
                b.sslContext(ssl -> {
                    config.tlsCaFile().ifPresent(ca -> ssl.trustManager(new File(ca)));
                    if (config.tlsCertFile().isPresent()) {
                        ssl.keyManager(new File(config.tlsCertFile().get()),
                                new File(config.tlsKeyFile().orElseThrow(() -> new WatcherException(
                                        "etcd.tls.cert.file is set but etcd.tls.key.file is not: set both for mutual TLS"))));
                    }
                });
            } catch (SSLException e) {
                throw new WatcherException("cannot set up TLS for etcd from etcd.tls.ca.file/etcd.tls.cert.file/"
                        + "etcd.tls.key.file: " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /**
     * Reads the revision and cluster id with a count-only range over {@code key}, waiting at most
     * the configured connect timeout; the error names the endpoints. Transient: at start-up the
     * caller turns it into a {@link WatcherException}.
     *
     * <p>A member can take a request and never answer it: cut off from its peers it has no leader for
     * a linearizable read, and behind a link that drops packets it hears nothing. The client sends
     * each new request to the next member it is connected to, so with several endpoints the probe
     * makes shorter attempts (the limit divided among the endpoints, at least a second each) until
     * one answers or the limit has passed. With one endpoint it is one attempt, as before.
     */
    public static Response.Header probe(Client client, EtcdConfig config, byte[] key) {
        long limitMs = config.connectTimeout().toMillis();
        long attemptMs = Math.max(MIN_ATTEMPT_MS, limitMs / Math.max(1, config.endpoints().size()));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
        TimeoutException timedOut;
        // Bounded by the deadline: each attempt waits at most until it.
        do {
            long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            CompletableFuture<GetResponse> attempt = client.getKVClient()
                    .get(ByteSequence.from(key), GetOption.builder().withCountOnly(true).build());
            try {
                return attempt.get(Math.min(attemptMs, leftMs), TimeUnit.MILLISECONDS).getHeader();
            } catch (TimeoutException e) {
                attempt.cancel(true);
                timedOut = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failures.Transient("interrupted while connecting to etcd at " + config.endpoints(), e);
            } catch (ExecutionException e) {
                throw unreachable(config, e.getCause());
            }
        } while (System.nanoTime() < deadline);
        throw unreachable(config, timedOut);
    }

    private static Failures.Transient unreachable(EtcdConfig config, Throwable cause) {
        return new Failures.Transient("cannot reach etcd at " + config.endpoints() + " within "
                + config.connectTimeout().toMillis() + " ms (etcd.connect.timeout.ms): " + cause
                + ". Check etcd.endpoints, that etcd is running, and the TLS and user settings.", cause);
    }

    /** etcd's cluster id as unsigned hex, as {@code etcdctl} prints it. */
    public static String clusterId(Response.Header header) {
        return HexFormat.of().toHexDigits(header.getClusterId()).replaceFirst("^0+(?=.)", "");
    }
}
