package io.ferry.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etcd with authentication enabled, as production clusters run: the watcher connects with a
 * user limited to its prefix, replicates it, and a wrong password fails at start with an error
 * that names the endpoint and never the password.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EtcdAuthIT {

    private static final String USER = "ferry";
    private static final String PASSWORD = "s3cret-do-not-log";
    private static final String PREFIX = "/auth/";

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @BeforeAll
    static void enableAuthentication() throws Exception {
        Client admin = ETCD.client();
        Auth auth = admin.getAuthClient();
        auth.userAdd(bytes("root"), bytes("root-pw")).get(30, TimeUnit.SECONDS);
        auth.roleAdd(bytes("root")).get(30, TimeUnit.SECONDS);
        auth.userGrantRole(bytes("root"), bytes("root")).get(30, TimeUnit.SECONDS);
        // The watcher's user may read its prefix only (and the election key under it, for HA).
        auth.roleAdd(bytes("ferry-reader")).get(30, TimeUnit.SECONDS);
        auth.roleGrantPermission(bytes("ferry-reader"), bytes(PREFIX), bytes("/auth0"), Permission.Type.READWRITE)
                .get(30, TimeUnit.SECONDS);
        auth.userAdd(bytes(USER), bytes(PASSWORD)).get(30, TimeUnit.SECONDS);
        auth.userGrantRole(bytes(USER), bytes("ferry-reader")).get(30, TimeUnit.SECONDS);
        auth.authEnable().get(30, TimeUnit.SECONDS);
    }

    @Test
    void theWatcherReplicatesWithAUserAndAWrongPasswordFailsClearly() throws Exception {
        try (Client writer = Client.builder().endpoints(ETCD.endpoint()).user(bytes("root")).password(bytes("root-pw")).build()) {
            Fixture.put(writer, Fixture.bytes(PREFIX + "a"), Fixture.bytes("1"));
            long last = Fixture.put(writer, Fixture.bytes(PREFIX + "b"), Fixture.bytes("2"));

            Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "auth.changes", PREFIX);
            s.put("etcd.user", USER);
            s.put("etcd.password", PASSWORD);
            s.put("etcd.allow.plaintext.password", true); // a test etcd on loopback; SecuredWatcherIT runs over TLS
            try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
                watcher.start();
                assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
                Fixture.awaitProduced(watcher::producedRevision, last, Duration.ofMinutes(1));
            }
            long changes = Fixture.readCommitted(KAFKA, "auth.changes").stream()
                    .filter(r -> "change".equals(Fixture.kind(r))).map(ConsumerRecord::key).count();
            assertEquals(2, changes, "both keys arrived through the authenticated watcher");

            Map<String, Object> wrong = Fixture.settings(ETCD, KAFKA, "auth.denied", PREFIX);
            wrong.put("etcd.user", USER);
            wrong.put("etcd.password", "not-the-password");
            wrong.put("etcd.allow.plaintext.password", true);
            wrong.put("etcd.connect.timeout.ms", 3000);
            try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(wrong), new SimpleMeterRegistry())) {
                watcher.start();
                WatcherException e = assertThrows(WatcherException.class, () -> watcher.awaitStreaming(Duration.ofMinutes(1)));
                assertEquals(WatcherState.FAILED, watcher.state());
                assertTrue(e.getMessage().contains(ETCD.endpoint()), e.getMessage());
                assertFalse(e.getMessage().contains("not-the-password"), "the password never appears: " + e.getMessage());
            }
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
