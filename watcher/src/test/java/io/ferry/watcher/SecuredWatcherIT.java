package io.ferry.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.ferry.clients.EtcdGrant;
import io.ferry.clients.EtcdRoles;
import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SecuredEtcd;
import io.ferry.testkit.TestCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HA watcher on an etcd that requires TLS, a client certificate and RBAC, as the user of
 * {@link EtcdRoles#watcher} and nothing more: it snapshots, watches, and carries on across a restart
 * of etcd and of itself. With a role limited to the replicated prefix it fails at once, naming the
 * election key and the command that grants it, instead of standing by and retrying forever.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecuredWatcherIT {

    @RegisterExtension
    static final SecuredEtcd ETCD = new SecuredEtcd();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final TestCertificates CERTS = TestCertificates.get();
    private static final String PREFIX = "/sec/";

    @Test
    void withExactlyItsPermissionsTheHaWatcherSnapshotsWatchesAndResumesAfterRestarts() throws Exception {
        FerryConfig config = config("ferry-watcher", "sec.changes");
        grantExactly("ferry-watcher", EtcdRoles.watcher(config));
        Client root = ETCD.rootClient();
        Fixture.put(root, bytes(PREFIX + "a"), bytes("1"));
        Fixture.put(root, bytes("/other/x"), bytes("outside the prefix"));
        long last = Fixture.put(root, bytes(PREFIX + "b"), bytes("2"));

        try (EtcdWatcher watcher = EtcdWatcher.create(config, new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)), "the watcher leads and streams");
            Fixture.awaitProduced(watcher::producedRevision, last, Duration.ofMinutes(1));
            last = Fixture.put(root, bytes(PREFIX + "c"), bytes("3"));
            Fixture.awaitProduced(watcher::producedRevision, last, Duration.ofMinutes(1));

            ETCD.restart();
            last = Fixture.put(root, bytes(PREFIX + "d"), bytes("4"));
            Fixture.awaitProduced(watcher::producedRevision, last, Duration.ofMinutes(2));
        }
        last = Fixture.put(root, bytes(PREFIX + "e"), bytes("5"));
        try (EtcdWatcher restarted = EtcdWatcher.create(config, new SimpleMeterRegistry())) {
            restarted.start();
            assertTrue(restarted.awaitStreaming(Duration.ofMinutes(2)), "the restarted watcher leads again");
            Fixture.awaitProduced(restarted::producedRevision, last, Duration.ofMinutes(1));
        }

        Set<String> keys = new TreeSet<>();
        Fixture.readCommitted(KAFKA, "sec.changes").stream().filter(r -> "change".equals(Fixture.kind(r)))
                .forEach(r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
        assertEquals(Set.of("/sec/a", "/sec/b", "/sec/c", "/sec/d", "/sec/e"), keys);
    }

    /**
     * The finding: a role limited to the replicated prefix made the HA watcher loop STANDBY ->
     * RECOVERING on "permission denied" forever, since the election lies outside the prefix.
     */
    @Test
    void withOnlyThePrefixTheHaWatcherFailsNamingTheElectionKeyAndTheGrant() throws Exception {
        FerryConfig config = config("prefix-only", "sec.denied");
        grantExactly("prefix-only", List.of(EtcdGrant.prefix(PREFIX, io.etcd.jetcd.auth.Permission.Type.READ)));
        try (EtcdWatcher watcher = EtcdWatcher.create(config, new SimpleMeterRegistry())) {
            watcher.start();
            WatcherException e = assertThrows(WatcherException.class, () -> watcher.awaitStreaming(Duration.ofSeconds(60)));
            assertEquals(WatcherState.FAILED, watcher.state());
            String why = e.getMessage();
            assertTrue(why.contains("campaigning in the watcher election ferry-election/watcher/sec.denied"), why);
            assertTrue(why.contains("permission denied for etcd user 'prefix-only'"), why);
            assertTrue(why.contains("readwrite on the prefix 'ferry-election/watcher/sec.denied/'"), why);
            assertTrue(why.contains("etcdctl role grant-permission <role> readwrite --prefix=true "
                    + "ferry-election/watcher/sec.denied/"), why);
            assertFalse(Fixture.readCommitted(KAFKA, "sec.denied").stream().anyMatch(r -> "change".equals(Fixture.kind(r))),
                    "nothing was produced");
        }
    }

    @Test
    void withoutReadOnASecondPrefixTheSnapshotFailsNamingThePrefixes() throws Exception {
        Map<String, Object> settings = settings("one-prefix", "sec.second");
        settings.put("etcd.prefix", List.of(PREFIX, "/sec2/"));
        settings.put("watcher.ha.enabled", false);
        grantExactly("one-prefix", List.of(EtcdGrant.prefix(PREFIX, io.etcd.jetcd.auth.Permission.Type.READ)));
        try (EtcdWatcher watcher = EtcdWatcher.create(FerryConfig.fromMap(settings), new SimpleMeterRegistry())) {
            watcher.start();
            WatcherException e = assertThrows(WatcherException.class, () -> watcher.awaitStreaming(Duration.ofSeconds(60)));
            String why = e.getMessage();
            assertTrue(why.contains("etcd refused the snapshot's range read"), why);
            assertTrue(why.contains("read on the prefix '/sec2/'"), why);
            assertTrue(why.contains("etcdctl role grant-permission <role> read --prefix=true /sec2/"), why);
        }
    }

    /** A role with the grants and a user of the same name, authenticated by its client certificate. */
    static void grantExactly(String role, List<EtcdGrant> grants) {
        ETCD.addRole(role);
        for (EtcdGrant g : grants) {
            ETCD.grant(role, g.type(), g.key(), g.rangeEnd(), g.prefix());
        }
        ETCD.addUser(role, null, role);
    }

    private static FerryConfig config(String user, String topic) {
        return FerryConfig.fromMap(settings(user, topic));
    }

    private static Map<String, Object> settings(String user, String topic) {
        TestCertificates.Identity id = CERTS.client(user);
        Map<String, Object> s = new HashMap<>();
        s.put("etcd.endpoints", ETCD.endpoint());
        s.put("etcd.prefix", PREFIX);
        s.put("etcd.tls.ca.file", CERTS.caCert().toString());
        s.put("etcd.tls.cert.file", id.cert().toString());
        s.put("etcd.tls.key.file", id.rsaKey().toString());
        s.put("kafka.bootstrap", KAFKA.bootstrapServers());
        s.put("kafka.topic", topic);
        s.put("kafka.topic.partitions", 3);
        s.put("watcher.ha.enabled", true);
        s.put("watcher.watermark.interval.ms", 300);
        return s;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
