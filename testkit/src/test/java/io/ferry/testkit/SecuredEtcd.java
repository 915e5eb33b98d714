package io.ferry.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.options.OptionsUtil;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-member etcd that requires TLS, a client certificate and authentication: the client
 * URL is {@code https} with a certificate from {@link TestCertificates}, {@code --client-cert-auth}
 * refuses connections without a certificate signed by the test CA, and RBAC is on ({@code auth
 * enable}) with a {@value #ROOT} user whose password is {@link #rootPassword()}. The peer URL stays
 * plain HTTP on loopback: a single member has no peers.
 *
 * <p>etcd 3.4 takes the user from the client certificate's common name when a request carries no
 * password token, so a user can be authenticated in two ways, both over mutual TLS:
 * {@link #client(TestCertificates.Identity)} (the certificate's CN is the user) and
 * {@link #client(TestCertificates.Identity, String, String)} (user and password; the certificate only
 * opens the connection).
 *
 * <pre>{@code
 * @RegisterExtension static final SecuredEtcd ETCD = new SecuredEtcd();
 * ETCD.addRole("watcher");
 * ETCD.grantPrefix("watcher", "/app/", Permission.Type.READ);
 * ETCD.addUser("ferry-watcher", null, "watcher");     // authenticates by certificate only
 * try (Client c = ETCD.client(TestCertificates.get().client("ferry-watcher"))) { ... }
 * }</pre>
 *
 * <p>Like {@link EtcdServer}, which it runs, it can be {@link #kill() killed}, {@link #stop() stopped}
 * and {@link #start() started} again with the same ports, data, users and roles.
 */
public final class SecuredEtcd extends ServerExtension {

    /** The user with every right; etcd requires it, with the role of the same name, before auth can be enabled. */
    public static final String ROOT = "root";

    private static final Logger LOG = LoggerFactory.getLogger(SecuredEtcd.class);

    private final TestCertificates certs;
    private final String rootPassword = "root-" + UUID.randomUUID();
    private final String serverName;
    private final EtcdServer server;
    private boolean authEnabled;

    /** A secured etcd presenting the test server certificate ({@link TestCertificates#server()}). */
    public SecuredEtcd() {
        this(TestCertificates.get().server());
    }

    /** A secured etcd presenting {@code serverIdentity}, e.g. {@link TestCertificates#wrongNameServer()} for host-name tests. */
    public SecuredEtcd(TestCertificates.Identity serverIdentity) {
        this.certs = TestCertificates.get();
        List<String> tls = List.of("--cert-file=" + serverIdentity.cert(), "--key-file=" + serverIdentity.key(),
                "--client-cert-auth", "--trusted-ca-file=" + certs.caCert());
        // The test's own client checks the name the server certificate carries, so that a server made
        // with a wrong-name certificate still starts; the clients under test check 127.0.0.1 as Ferry does.
        this.serverName = serverIdentity.commonName();
        this.server = new EtcdServer(null, tls, true, b -> withTls(b, certs.client(ROOT)).authority(serverName)
                .user(bytes(ROOT)).password(bytes(rootPassword)));
    }

    /**
     * Starts etcd and, the first time, creates the root user and role and enables authentication;
     * after {@link #kill()} or {@link #stop()}, starts it again with the same data.
     */
    public synchronized void start() {
        long started = System.nanoTime();
        server.start();
        if (!authEnabled) {
            enableAuth();
            authEnabled = true;
            LOG.info("Secured etcd with TLS, client certificates and RBAC ready at {} in {} ms", endpoint(),
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Kills etcd with SIGKILL; its data, users and roles stay for {@link #start()}. */
    public synchronized void kill() {
        server.kill();
    }

    /** Stops etcd with SIGTERM; its data, users and roles stay for {@link #start()}. */
    public synchronized void stop() {
        server.stop();
    }

    /** {@link #stop()} then {@link #start()}. */
    public synchronized void restart() {
        server.restart();
    }

    /** The client URL, {@code https://127.0.0.1:<port>}. */
    public String endpoint() {
        return server.endpoint();
    }

    /** The password of {@value #ROOT}. */
    public String rootPassword() {
        return rootPassword;
    }

    /** A client authenticated as {@value #ROOT} with its password, for the test's own set-up; closed with the server. */
    public Client rootClient() {
        return server.client();
    }

    /**
     * A builder for this etcd with TLS that trusts the test CA and presents {@code certificate}; add
     * {@code user}/{@code password} or change anything else before {@code build()}.
     */
    public ClientBuilder clientBuilder(TestCertificates.Identity certificate) {
        return withTls(Client.builder().endpoints(endpoint()), certificate);
    }

    /** A new client that authenticates by its certificate alone: etcd takes the user from its common name. The caller closes it. */
    public Client client(TestCertificates.Identity certificate) {
        return clientBuilder(certificate).build();
    }

    /** A new client that authenticates with user and password over mutual TLS with {@code certificate}. The caller closes it. */
    public Client client(TestCertificates.Identity certificate, String user, String password) {
        return clientBuilder(certificate).user(bytes(user)).password(bytes(password)).build();
    }

    /**
     * Adds a user with the given roles. A {@code null} password makes a user meant to authenticate by
     * certificate: it gets a random password that nobody knows.
     */
    public void addUser(String user, String password, String... roles) {
        Auth auth = rootClient().getAuthClient();
        call("add user " + user, auth.userAdd(bytes(user), bytes(password == null ? UUID.randomUUID().toString() : password)));
        for (String role : roles) {
            call("grant role " + role + " to " + user, auth.userGrantRole(bytes(user), bytes(role)));
        }
    }

    /** Adds a role without permissions. */
    public void addRole(String role) {
        call("add role " + role, rootClient().getAuthClient().roleAdd(bytes(role)));
    }

    /** Grants {@code role} the permission on every key that starts with {@code prefix}. */
    public void grantPrefix(String role, String prefix, Permission.Type permission) {
        ByteSequence key = bytes(prefix);
        call("grant " + permission + " on prefix " + prefix + " to " + role,
                rootClient().getAuthClient().roleGrantPermission(bytes(role), key, OptionsUtil.prefixEndOf(key), permission));
    }

    /** Grants {@code role} the permission on the single key {@code key}. */
    public void grantKey(String role, String key, Permission.Type permission) {
        call("grant " + permission + " on key " + key + " to " + role,
                rootClient().getAuthClient().roleGrantPermission(bytes(role), bytes(key), ByteSequence.EMPTY, permission));
    }

    /** Grants {@code role} the permission on the keys from {@code from} up to, not including, {@code end}. */
    public void grantRange(String role, String from, String end, Permission.Type permission) {
        call("grant " + permission + " on [" + from + ", " + end + ") to " + role,
                rootClient().getAuthClient().roleGrantPermission(bytes(role), bytes(from), bytes(end), permission));
    }

    /**
     * One grant as Ferry's {@code EtcdGrant} describes it (testkit cannot depend on the clients module):
     * a whole prefix, a range up to {@code rangeEnd}, or the one key.
     */
    public void grant(String role, Permission.Type permission, String key, String rangeEnd, boolean prefix) {
        if (prefix) {
            grantPrefix(role, key, permission);
        } else if (rangeEnd != null) {
            grantRange(role, key, rangeEnd, permission);
        } else {
            grantKey(role, key, permission);
        }
    }

    /** Kills etcd if it runs and deletes its data; a later {@link #start()} sets up a fresh one. Safe to call twice. */
    @Override
    public synchronized void close() {
        server.close();
        authEnabled = false;
    }

    private void enableAuth() {
        // Before auth is on, the certificate alone is enough to manage users.
        try (Client bootstrap = clientBuilder(certs.client(ROOT)).authority(serverName).build()) {
            Auth auth = bootstrap.getAuthClient();
            call("add role root", auth.roleAdd(bytes(ROOT)));
            call("add user root", auth.userAdd(bytes(ROOT), bytes(rootPassword)));
            call("grant role root to root", auth.userGrantRole(bytes(ROOT), bytes(ROOT)));
            call("enable authentication", auth.authEnable());
        }
    }

    private ClientBuilder withTls(ClientBuilder builder, TestCertificates.Identity certificate) {
        try {
            return builder.sslContext(ssl -> ssl.trustManager(certs.caCert().toFile())
                            .keyManager(certificate.cert().toFile(), certificate.key().toFile()));
        } catch (SSLException e) {
            throw new IllegalStateException("Could not set up TLS with " + certificate, e);
        }
    }

    private <T> T call(String what, CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what + " on etcd at " + endpoint(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not " + what + " on etcd at " + endpoint(), e);
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, UTF_8);
    }
}
