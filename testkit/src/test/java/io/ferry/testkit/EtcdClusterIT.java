package io.ferry.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The three-member cluster against real etcd processes: each fault is caused, the cluster's answer
 * read back, and the member brought back and shown to hold the same data as the others.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdClusterIT {

    @RegisterExtension
    static final EtcdCluster ETCD = new EtcdCluster();

    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    @AfterEach
    void everyMemberBackAndHealthy() {
        for (EtcdCluster.Member m : ETCD.members()) {
            if (m.isolated()) {
                m.heal();
            }
            if (m.paused()) {
                m.resume();
            }
            if (!m.running()) {
                m.start();
            }
        }
        ETCD.awaitHealthy(CATCH_UP);
    }

    @Test
    void threeMembersWithTheirOwnEndpointsAndIdsAgreeOnOneLeader() throws Exception {
        List<String> endpoints = List.of(ETCD.endpoints().split(","));
        var listed = ETCD.client().getClusterClient().listMember().get(10, TimeUnit.SECONDS).getMembers();

        assertEquals(3, ETCD.members().size());
        assertEquals(ETCD.members().stream().map(EtcdCluster.Member::endpoint).toList(), endpoints);
        assertEquals(ETCD.members().stream().map(EtcdCluster.Member::id).collect(Collectors.toSet()),
                listed.stream().map(io.etcd.jetcd.cluster.Member::getId).collect(Collectors.toSet()));
        EtcdCluster.Member leader = ETCD.leader();
        for (EtcdCluster.Member m : ETCD.members()) {
            assertEquals(leader.id(), m.client().getMaintenanceClient().statusMember(m.endpoint()).get(10, TimeUnit.SECONDS).getLeader(),
                    m.name() + " names another leader");
        }
    }

    @Test
    void writesSurviveKillNineOfTheLeaderAndTheRestartedMemberCatchesUp() throws Exception {
        Map<String, String> written = put(ETCD.client(), "kill-leader/before-", 20);
        EtcdCluster.Member old = ETCD.leader();

        old.kill();

        assertFalse(old.running());
        EtcdCluster.Member elected = ETCD.leader();
        assertNotEquals(old.name(), elected.name());
        written.putAll(put(ETCD.client(), "kill-leader/after-", 20));
        old.start();
        awaitHolds(old, "kill-leader/", written);
    }

    @Test
    void aStoppedFollowerRejoinsAndCatchesUp() throws Exception {
        EtcdCluster.Member follower = aFollower();
        Map<String, String> written = put(ETCD.client(), "stop-follower/before-", 10);

        follower.stop();
        written.putAll(put(ETCD.client(), "stop-follower/while-", 10));
        follower.start();

        awaitHolds(follower, "stop-follower/", written);
    }

    @Test
    void anIsolatedLeaderLosesLeadershipWhileTheOthersServeWritesAndCatchesUpAfterHeal() throws Exception {
        EtcdCluster.Member leader = ETCD.leader();

        isolateWriteAndHeal(leader, "isolate-leader/");
    }

    @Test
    void anIsolatedFollowerLosesItsLeaderWhileTheOthersServeWritesAndCatchesUpAfterHeal() throws Exception {
        isolateWriteAndHeal(aFollower(), "isolate-follower/");
    }

    private static void isolateWriteAndHeal(EtcdCluster.Member isolated, String prefix) throws Exception {
        Map<String, String> written = put(ETCD.client(), prefix + "before-", 10);
        awaitHolds(isolated, prefix, written);

        isolated.isolate();

        assertTrue(isolated.isolated());
        EtcdCluster.Member leader = ETCD.leader();
        assertNotEquals(isolated.name(), leader.name());
        // A cut-off leader steps down (CheckQuorum) and a cut-off follower's election timer fires: either way,
        // it soon knows no leader at all.
        Awaitility.await(isolated.name() + " to know no leader").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> isolated.client().getMaintenanceClient().statusMember(isolated.endpoint())
                        .get(2, TimeUnit.SECONDS).getLeader() == 0);
        assertThrows(Exception.class, () -> isolated.client().getKVClient().get(key(prefix + "before-0")).get(3, TimeUnit.SECONDS),
                "a linearizable read on the isolated member must not succeed");
        try (Client majority = EtcdProcesses.client(othersThan(isolated))) {
            written.putAll(put(majority, prefix + "while-", 10));
        }
        assertFalse(serializableRead(isolated, prefix).containsKey(prefix + "while-0"),
                "the isolated member must not have received writes made during the partition");

        isolated.heal();

        awaitHolds(isolated, prefix, written);
        assertEquals(written.get(prefix + "while-9"), isolated.client().getKVClient().get(key(prefix + "while-9")).get(30, TimeUnit.SECONDS)
                .getKvs().get(0).getValue().toString(UTF_8), "a linearizable read on it works again after heal");
    }

    @Test
    void aPausedLeaderIsReplacedAndCatchesUpAfterResume() throws Exception {
        EtcdCluster.Member paused = ETCD.leader();

        paused.pause();

        assertTrue(paused.running(), "a paused member still runs");
        assertThrows(Exception.class, () -> ETCD.client().getMaintenanceClient().statusMember(paused.endpoint()).get(1, TimeUnit.SECONDS),
                "a paused member answers nothing");
        EtcdCluster.Member elected = ETCD.leader();
        assertNotEquals(paused.name(), elected.name());
        Map<String, String> written;
        try (Client majority = EtcdProcesses.client(othersThan(paused))) {
            written = put(majority, "pause/while-", 10);
        }

        paused.resume();

        awaitHolds(paused, "pause/", written);
    }

    @Test
    void compactionReachesEveryMember() throws Exception {
        ByteSequence key = key("compact/k");
        long first = ETCD.client().getKVClient().put(key, ByteSequence.from("1", UTF_8)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        long second = ETCD.client().getKVClient().put(key, ByteSequence.from("2", UTF_8)).get(10, TimeUnit.SECONDS).getHeader().getRevision();

        ETCD.compact(second);

        for (EtcdCluster.Member m : ETCD.members()) {
            Awaitility.await("compaction on " + m.name()).atMost(CATCH_UP).ignoreExceptions().until(() -> {
                var old = assertThrows(Exception.class, () -> m.client().getKVClient()
                        .get(key, GetOption.builder().withRevision(first).withSerializable(true).build()).get(10, TimeUnit.SECONDS));
                return String.valueOf(old.getCause()).contains("compacted");
            });
        }
    }

    private static EtcdCluster.Member aFollower() {
        EtcdCluster.Member leader = ETCD.leader();
        return ETCD.members().stream().filter(m -> !m.name().equals(leader.name())).findFirst().orElseThrow();
    }

    private static String othersThan(EtcdCluster.Member excluded) {
        return ETCD.members().stream().filter(m -> !m.name().equals(excluded.name())).map(EtcdCluster.Member::endpoint)
                .collect(Collectors.joining(","));
    }

    private static Map<String, String> put(Client client, String prefix, int count) throws Exception {
        Map<String, String> written = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String k = prefix + i;
            String v = "v-" + k;
            client.getKVClient().put(key(k), ByteSequence.from(v, UTF_8)).get(30, TimeUnit.SECONDS);
            written.put(k, v);
        }
        return written;
    }

    /** Waits until {@code member}, read alone and serializably (its own data), holds exactly {@code expected} under {@code prefix}. */
    private static void awaitHolds(EtcdCluster.Member member, String prefix, Map<String, String> expected) {
        Awaitility.await(member.name() + " to hold the " + expected.size() + " keys under " + prefix).atMost(CATCH_UP)
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> assertEquals(expected, serializableRead(member, prefix)));
    }

    private static Map<String, String> serializableRead(EtcdCluster.Member member, String prefix) throws Exception {
        List<KeyValue> kvs = member.client().getKVClient().get(key(prefix),
                GetOption.builder().isPrefix(true).withSerializable(true).build()).get(5, TimeUnit.SECONDS).getKvs();
        Map<String, String> got = new LinkedHashMap<>();
        kvs.forEach(kv -> got.put(kv.getKey().toString(UTF_8), kv.getValue().toString(UTF_8)));
        return got;
    }

    private static ByteSequence key(String k) {
        return ByteSequence.from(k, UTF_8);
    }
}
