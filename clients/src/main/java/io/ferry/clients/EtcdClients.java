package io.ferry.clients;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.ferry.core.FerryException;
import io.ferry.core.config.EtcdConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The one place that builds jetcd clients for Ferry's etcd, from {@link EtcdConfig}: every command
 * and component gets its client here, so that none can drop a security setting.
 *
 * <ul>
 *   <li>{@code https://} endpoints always mean TLS, trusting {@code etcd.tls.ca.file} or, when it is
 *       unset, the JDK's default trust store; {@code http://} endpoints mean plaintext (the
 *       configuration refuses a password over it unless {@code etcd.allow.plaintext.password});</li>
 *   <li>a client certificate's key may be PKCS#8 or PKCS#1;</li>
 *   <li>{@link #probe} fails with an error that says why: a TLS failure is explained from a handshake of
 *       its own ({@code EtcdTlsDiagnosis}), a missing permission by {@link EtcdPermissionDenied}.</li>
 * </ul>
 */
public final class EtcdClients {

    /** A watch response or a snapshot page may carry many 1.5 MiB values; gRPC's 4 MiB default is too small. */
    private static final int MAX_INBOUND_BYTES = Integer.MAX_VALUE;

    /** The shortest attempt of {@link #probe}: a member that answers at all answers a count-only read within it. */
    private static final long MIN_ATTEMPT_MS = 1000;

    private EtcdClients() {
    }

    /** A client for Ferry's etcd; the caller closes it. */
    public static Client build(EtcdConfig config) {
        ClientBuilder b = Client.builder()
                .endpoints(config.endpoints().toArray(URI[]::new))
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
        if (config.tls()) {
            // jetcd talks plaintext unless it has an SSL context, whatever the scheme says: so https:// sets one always.
            EtcdTls tls = EtcdTls.load(config);
            try {
                b.sslContext(ssl -> {
                    if (!tls.trusted().isEmpty()) {
                        ssl.trustManager(tls.trusted().toArray(java.security.cert.X509Certificate[]::new));
                    } // else netty's default: the JDK's trust store
                    if (tls.clientCertificate()) {
                        ssl.keyManager(tls.key(), tls.chain().toArray(java.security.cert.X509Certificate[]::new));
                    }
                });
            } catch (SSLException e) {
                throw new FerryException("cannot set up TLS for etcd from etcd.tls.ca.file, etcd.tls.cert.file and "
                        + "etcd.tls.key.file: " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /**
     * Reads the revision and cluster id with a count-only range over {@code key}, which the etcd user
     * must be allowed to read (a key under the first prefix), waiting at most the configured connect
     * timeout.
     *
     * <p>A member can take a request and never answer it: cut off from its peers it has no leader for
     * a linearizable read, and behind a link that drops packets it hears nothing. The client sends
     * each new request to the next member it is connected to, so with several endpoints the probe
     * makes shorter attempts (the limit divided among the endpoints, at least a second each) until
     * one answers or the limit has passed. With one endpoint it is one attempt.
     *
     * @throws EtcdPermissionDenied when the user may not read {@code key}
     * @throws EtcdUnavailableException when etcd does not answer in time; with TLS, the message says what
     *     a handshake of its own found wrong with each endpoint
     */
    public static Response.Header probe(Client client, EtcdConfig config, byte[] key) {
        long limitMs = config.connectTimeout().toMillis();
        long attemptMs = Math.max(MIN_ATTEMPT_MS, limitMs / Math.max(1, config.endpoints().size()));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
        Throwable timedOut;
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
                throw new EtcdUnavailableException("interrupted while connecting to etcd at " + config.endpoints(), e);
            } catch (ExecutionException e) {
                throw unreachable(config, key, e.getCause());
            }
        } while (System.nanoTime() < deadline);
        throw unreachable(config, key, timedOut);
    }

    private static RuntimeException unreachable(EtcdConfig config, byte[] key, Throwable cause) {
        if (EtcdPermissionDenied.isDenied(cause)) {
            return EtcdPermissionDenied.of(config, "reading " + new String(key, StandardCharsets.UTF_8),
                    List.of(EtcdGrant.key(new String(key, StandardCharsets.UTF_8), Permission.Type.READ)), cause);
        }
        return new EtcdUnavailableException("cannot reach etcd at " + config.endpoints() + " within "
                + config.connectTimeout().toMillis() + " ms (etcd.connect.timeout.ms): " + cause + "." + diagnose(config)
                + " Check etcd.endpoints, that etcd is running, and the TLS and user settings.", cause);
    }

    /** {@link #probe(Client, EtcdConfig, byte[])} on the first prefix's own key, which every part of Ferry may read. */
    public static Response.Header probe(Client client, EtcdConfig config) {
        return probe(client, config, config.prefixes().get(0).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The revision etcd has compacted its history through, 0 when it never compacted. etcd 3.4 does not
     * report it; a watch from revision 1 is refused with it. The watch is on {@code key} (the first
     * prefix's own key, which a user limited to the prefixes may watch); an accepted watch means nothing
     * was compacted.
     */
    public static long compactedRevision(Client etcd, String key) throws InterruptedException, ExecutionException {
        CompletableFuture<Long> f = new CompletableFuture<>();
        WatchOption from1 = WatchOption.builder().withRevision(1).build();
        try (Watch.Watcher ignored = etcd.getWatchClient().watch(ByteSequence.from(key, StandardCharsets.UTF_8), from1,
                Watch.listener(r -> { }, t -> {
                    if (t instanceof CompactedException ce) {
                        f.complete(ce.getCompactedRevision());
                    } else {
                        f.completeExceptionally(t);
                    }
                }))) {
            return f.get(2, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return 0;
        }
    }

    /** etcd's cluster id as unsigned hex, as {@code etcdctl} prints it. */
    public static String clusterId(Response.Header header) {
        return HexFormat.of().toHexDigits(header.getClusterId()).replaceFirst("^0+(?=.)", "");
    }

    /**
     * Reads and checks the TLS files of the configuration, for {@code ferry check}: the CA and the client
     * certificate parse, and the key belongs to the certificate.
     *
     * @return one line saying what the etcd connection will trust and present
     * @throws FerryException naming the key whose file is wrong
     */
    public static String checkTls(EtcdConfig config) {
        return config.tls() ? EtcdTls.load(config).describe() : "plaintext (http://)";
    }

    /** The etcd user Ferry acts as: {@code etcd.user}, else the common name of the client certificate. */
    public static Optional<String> user(EtcdConfig config) {
        if (config.user().isPresent()) {
            return config.user();
        }
        if (!config.tls() || config.tlsCertFile().isEmpty()) {
            return Optional.empty();
        }
        try {
            return EtcdTls.commonName(PemFiles.certificates(config.tlsCertFile().get(), EtcdConfig.TLS_CERT.name()).get(0));
        } catch (FerryException e) {
            return Optional.empty();
        }
    }

    /** What a TLS handshake of its own finds wrong with each endpoint, or nothing without TLS. */
    private static String diagnose(EtcdConfig config) {
        if (!config.tls()) {
            return "";
        }
        EtcdTls tls;
        try {
            tls = EtcdTls.load(config);
        } catch (FerryException e) {
            return " " + e.getMessage() + ".";
        }
        List<String> found = new ArrayList<>();
        for (URI endpoint : config.endpoints()) {
            EtcdTlsDiagnosis.explain(endpoint, tls, config.connectTimeout())
                    .ifPresent(why -> found.add(" TLS to " + endpoint + ": " + why + "."));
        }
        return String.join("", found);
    }
}
