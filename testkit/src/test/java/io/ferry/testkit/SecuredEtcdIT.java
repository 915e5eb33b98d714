package io.ferry.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.kv.GetResponse;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The secured etcd refuses what it claims to refuse and lets each user do exactly what its role allows. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecuredEtcdIT {

    @RegisterExtension
    static final SecuredEtcd ETCD = new SecuredEtcd();

    private static final TestCertificates CERTS = TestCertificates.get();

    @BeforeAll
    static void usersAndData() throws Exception {
        ETCD.addRole("app-reader");
        ETCD.grantPrefix("app-reader", "/app/", Permission.Type.READ);
        ETCD.addRole("app-writer");
        ETCD.grantPrefix("app-writer", "/app/", Permission.Type.READWRITE);
        ETCD.addRole("flag-writer");
        ETCD.grantKey("flag-writer", "/flags/one", Permission.Type.WRITE);
        ETCD.addUser("ferry-watcher", null, "app-reader");
        ETCD.addUser("ferry-sink", "sink-secret", "app-writer", "flag-writer");
        put(ETCD.rootClient(), "/app/a", "1");
        put(ETCD.rootClient(), "/other/b", "2");
    }

    @Test
    void plaintextClientIsRefused() throws Exception {
        try (Client plain = Client.builder().endpoints(ETCD.endpoint().replace("https://", "http://")).waitForReady(false).build()) {
            assertStatus(Status.Code.UNAVAILABLE, "", get(plain, "/app/a"));
        }
        assertEtcdAnswersRoot();
    }

    @Test
    void tlsWithoutClientCertificateIsRefused() throws Exception {
        try (Client noCert = Client.builder().endpoints(ETCD.endpoint()).waitForReady(false)
                .sslContext(ssl -> ssl.trustManager(CERTS.caCert().toFile())).build()) {
            assertStatus(Status.Code.UNAVAILABLE, "", get(noCert, "/app/a"));
        }
        assertEtcdAnswersRoot();
    }

    @Test
    void clientCertificateFromAnUnknownCaIsRefused() throws Exception {
        try (Client stranger = ETCD.clientBuilder(CERTS.unknownCaClient("ferry-watcher")).waitForReady(false).build()) {
            assertStatus(Status.Code.UNAVAILABLE, "bad_certificate", get(stranger, "/app/a"));
        }
        assertEtcdAnswersRoot();
    }

    @Test
    void certificateUserReadsItsPrefix() throws Exception {
        try (Client watcher = ETCD.client(CERTS.client("ferry-watcher"))) {
            assertEquals("1", get(watcher, "/app/a").get(10, TimeUnit.SECONDS).getKvs().get(0).getValue().toString(UTF_8));
        }
    }

    @Test
    void prefixRoleIsDeniedOutsideItsPrefixAndReadOnlyRoleCannotWrite() {
        try (Client watcher = ETCD.clientBuilder(CERTS.client("ferry-watcher")).waitForReady(false).build()) {
            assertStatus(Status.Code.PERMISSION_DENIED, "permission denied", get(watcher, "/other/b"));
            assertStatus(Status.Code.PERMISSION_DENIED, "permission denied",
                    watcher.getKVClient().put(bytes("/app/a"), bytes("overwritten")));
        }
    }

    @Test
    void passwordUserWritesItsPrefixAndItsKeyOnly() throws Exception {
        try (Client sink = ETCD.client(CERTS.client("ferry-sink"), "ferry-sink", "sink-secret")) {
            put(sink, "/app/from-sink", "written");
            put(sink, "/flags/one", "on");
            assertStatus(Status.Code.PERMISSION_DENIED, "permission denied", sink.getKVClient().put(bytes("/flags/two"), bytes("on")));
        }
        assertEquals("written", get(ETCD.rootClient(), "/app/from-sink").get(10, TimeUnit.SECONDS).getKvs().get(0)
                .getValue().toString(UTF_8));
        assertEquals(0, get(ETCD.rootClient(), "/flags/two").get(10, TimeUnit.SECONDS).getCount());
    }

    @Test
    void wrongPasswordIsRefused() {
        try (Client sink = ETCD.clientBuilder(CERTS.client("ferry-sink")).waitForReady(false)
                .user(bytes("ferry-sink")).password(bytes("not-the-password")).build()) {
            assertStatus(Status.Code.UNAUTHENTICATED, "authentication failed", get(sink, "/app/a"));
        }
    }

    @Test
    void certificateOfAnUnknownUserIsRefused() {
        try (Client nobody = ETCD.clientBuilder(CERTS.client("nobody")).waitForReady(false).build()) {
            assertStatus(Status.Code.PERMISSION_DENIED, "permission denied", get(nobody, "/app/a"));
        }
    }

    @Test
    void serverWithAWrongNameIsRefusedByHostNameVerification() throws Exception {
        try (SecuredEtcd wrongName = new SecuredEtcd(CERTS.wrongNameServer())) {
            wrongName.start();
            put(wrongName.rootClient(), "/app/a", "reachable by its own name");
            try (Client watcher = wrongName.clientBuilder(CERTS.client(SecuredEtcd.ROOT)).waitForReady(false).build()) {
                assertStatus(Status.Code.UNAVAILABLE, "No subject alternative names matching IP address 127.0.0.1",
                        get(watcher, "/app/a"));
            }
        }
    }

    @Test
    void usersRolesAndDataSurviveARestart() throws Exception {
        ETCD.restart();

        try (Client watcher = ETCD.client(CERTS.client("ferry-watcher"))) {
            assertEquals("1", get(watcher, "/app/a").get(30, TimeUnit.SECONDS).getKvs().get(0).getValue().toString(UTF_8));
        }
        assertEtcdAnswersRoot();
    }

    private static CompletableFuture<GetResponse> get(Client client, String key) {
        return client.getKVClient().get(bytes(key));
    }

    private static void put(Client client, String key, String value) throws Exception {
        client.getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
    }

    /** The call fails with {@code expected}, and {@code detail} appears somewhere in its chain of causes. */
    private static void assertStatus(Status.Code expected, String detail, CompletableFuture<?> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
        assertEquals(expected, Status.fromThrowable(e.getCause()).getCode(), String.valueOf(e.getCause()));
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            chain.append(t).append('\n');
        }
        assertTrue(chain.toString().contains(detail), chain.toString());
    }

    /** A refusal proves something only while etcd answers the right client. */
    private static void assertEtcdAnswersRoot() throws Exception {
        assertEquals("1", get(ETCD.rootClient(), "/app/a").get(10, TimeUnit.SECONDS).getKvs().get(0).getValue().toString(UTF_8));
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, UTF_8);
    }
}
