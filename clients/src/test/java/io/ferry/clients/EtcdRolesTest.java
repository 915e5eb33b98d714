package io.ferry.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ferry.core.config.FerryConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each part's etcd permissions, as the commands an operator runs. */
class EtcdRolesTest {

    private static final FerryConfig ONE_PREFIX = FerryConfig.fromMap(Map.of("etcd.prefix", "/app/",
            "kafka.topic", "app.changes", "watcher.ha.enabled", true));

    @Test
    void theWatcherReadsItsPrefixAndWritesItsElectionOnly() {
        assertEquals(List.of(
                "etcdctl role add ferry-watcher",
                "etcdctl role grant-permission ferry-watcher read --prefix=true /app/",
                "etcdctl role grant-permission ferry-watcher readwrite --prefix=true ferry-election/watcher/app.changes/",
                "etcdctl user add ferry-watcher --new-user-password=\"$(openssl rand -hex 24)\"",
                "etcdctl user grant-role ferry-watcher ferry-watcher"),
                EtcdRoles.etcdctl("ferry-watcher", "ferry-watcher", EtcdRoles.watcher(ONE_PREFIX)));
    }

    @Test
    void severalPrefixesAreReadAsOneSpanBecauseOneWatchCoversThem() {
        FerryConfig two = FerryConfig.fromMap(Map.of("etcd.prefix", List.of("/b/", "/a/", "/a/x/"),
                "watcher.ha.enabled", false));
        assertEquals(List.of("etcdctl role grant-permission r read /a/ /b0"),
                EtcdRoles.watcher(two).stream().map(g -> g.etcdctl("r")).toList());
    }

    @Test
    void theReverseWriterWritesThePrefixAndReadsTheVersionKey() {
        assertEquals(List.of(
                "etcdctl role grant-permission r write --prefix=true /app/",
                "etcdctl role grant-permission r read /app/ferry.cutover.migrated",
                "etcdctl role grant-permission r readwrite /app/ferry.reverse.position"),
                EtcdRoles.reverse(ONE_PREFIX).stream().map(g -> g.etcdctl("r")).toList());
    }

    /** docs/security.md shows each part's grants for {@code etcd.prefix: /app/}; they must be what the code needs. */
    @Test
    void docsSecurityMdGrantsWhatEachPartNeeds() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "security.md"));
        FerryConfig example = FerryConfig.fromMap(Map.of("etcd.prefix", "/app/"));
        Map<String, List<EtcdGrant>> parts = Map.of("ferry-watcher", EtcdRoles.watcher(example),
                "ferry-reconcile", EtcdRoles.reconcile(example), "ferry-status", EtcdRoles.status(example),
                "ferry-reverse", EtcdRoles.reverse(example), "ferry-cutover", EtcdRoles.cutover(example),
                "ferry-rollback", EtcdRoles.rollback(example));
        parts.forEach((role, grants) -> {
            for (EtcdGrant g : grants) {
                org.junit.jupiter.api.Assertions.assertTrue(doc.contains(g.etcdctl(role) + "\n"),
                        "docs/security.md lacks: " + g.etcdctl(role));
            }
            long inDoc = doc.lines().filter(l -> l.startsWith("etcdctl role grant-permission " + role + " ")).count();
            assertEquals(grants.size(), inDoc, "docs/security.md grants " + role + " exactly what the code needs");
        });
    }

    @Test
    void keysThatNeedQuotingAreQuoted() {
        assertEquals("etcdctl role grant-permission r read 'a key'\\''s'",
                EtcdGrant.key("a key's", io.etcd.jetcd.auth.Permission.Type.READ).etcdctl("r"));
    }
}
