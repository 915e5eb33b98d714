package io.ferry.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.SecuredKafka;
import io.ferry.testkit.SqlDatabase;
import io.ferry.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ferry on a Kafka broker that requires TLS, authentication and ACLs, each part with exactly the
 * ACLs that docs/security.md lists (read from the document) and no more: the watcher and a sink
 * replicate etcd into SQL over SASL_SSL with SCRAM on topics made by hand, and over mutual TLS with
 * a watcher that creates its topics; {@code ferry status}, {@code ferry replay},
 * {@code ferry reconcile --repair} and {@code ferry check} work with their principals; and the forged
 * records of issue 21 (a snapshot bracket that sweeps live rows, a change at revision 999999 that pins
 * one) are refused to every principal but the watcher's.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class KafkaAclIT {

    @RegisterExtension
    static final SecuredKafka KAFKA = new SecuredKafka();

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @RegisterExtension
    static final SqlDatabase DB = SqlDatabase.sqlite();

    /** The mutual-TLS pipeline's own database: the reconciler's watermark gate reads every topic's offsets in one. */
    @RegisterExtension
    static final SqlDatabase TLS_DB = SqlDatabase.sqlite();

    private static final TestCertificates CERTS = TestCertificates.get();
    private static final Map<String, String> PASSWORDS = Map.of("acl-watcher", "watcher-pw", "acl-sink", "sink-pw",
            "acl-ops", "ops-pw", "acl-stranger", "stranger-pw");

    @TempDir
    Path dir;

    @BeforeAll
    static void users() {
        PASSWORDS.forEach(KAFKA::addScramUser);
    }

    private static Properties scram(String user) {
        return KAFKA.saslClientProperties(user, PASSWORDS.get(user));
    }

    /** The variables of the documented commands, for one pipeline. */
    private static Map<String, String> vars(String topic, String group, String watcher, String sink, String ops) {
        return Map.of("ACLS", "kafka-acls.sh --bootstrap-server " + KAFKA.saslSslBootstrap() + " --command-config admin.properties",
                "TOPIC", topic, "GROUP", group, "WATCHER", watcher, "SINK", sink, "OPS", ops);
    }

    private static Map<String, Object> watcherSettings(Properties client, String topic, String prefix) {
        Map<String, Object> m = new HashMap<>(ConfigFile.kafkaKeys(client));
        m.put("etcd.endpoints", ETCD.endpoint());
        m.put("etcd.prefix", prefix);
        m.put("kafka.topic", topic);
        m.put("kafka.topic.partitions", 2);
        m.put("watcher.ha.enabled", false);
        m.put("watcher.watermark.interval.ms", 300);
        return m;
    }

    private static Map<String, Object> sinkSettings(Properties client, String topic, String prefix, String table, String group) {
        return sinkSettings(client, topic, prefix, table, group, DB);
    }

    private static Map<String, Object> sinkSettings(Properties client, String topic, String prefix, String table, String group,
                                                    SqlDatabase db) {
        Map<String, Object> m = new HashMap<>(ConfigFile.kafkaKeys(client));
        m.put("etcd.endpoints", ETCD.endpoint());
        m.put("etcd.prefix", prefix);
        m.put("kafka.topic", topic);
        m.put("sink.jdbc", db.jdbcUrl());
        m.put("sink.table", table);
        m.put("sink.group", group);
        m.put("http.enabled", false);
        return m;
    }

    @Test
    void overSaslSslWithTheDocumentedAclsOnTopicsMadeByHandNoOneButTheWatcherWritesTheTopic() throws Exception {
        String topic = "acl.scram.changes";
        String group = "ferry-sink.acl.scram";
        String prefix = "/acl-scram/";
        String table = "acl_scram_kv";
        // As docs/kafka-topics.md has an operator make them: the watcher may not create topics here.
        KAFKA.createTopic(topic, 2, Map.of("cleanup.policy", "compact", "max.message.bytes", "4194304"));
        KAFKA.createTopic(topic + ".checkpoint", 1, Map.of("cleanup.policy", "compact", "segment.ms", "3600000"));
        Map<String, String> vars = vars(topic, group, "User:acl-watcher", "User:acl-sink", "User:acl-ops");
        KAFKA.grant(AclCommands.fromDoc("watcher", vars));
        KAFKA.grant(AclCommands.fromDoc("sink", vars));
        KAFKA.grant(AclCommands.fromDoc("ops", vars));

        KV kv = ETCD.client().getKVClient();
        put(kv, prefix + "live-a", "a1");
        put(kv, prefix + "live-b", "b1");
        put(kv, prefix + "target", "t1");
        Map<String, Object> watcher = watcherSettings(scram("acl-watcher"), topic, prefix);
        Map<String, Object> sink = sinkSettings(scram("acl-sink"), topic, prefix, table, group);
        try (Replication r = Replication.start(watcher, sink)) {
            SqlRows.await(DB, table, prefix + "target", "t1");
            SqlRows.Row target = SqlRows.read(DB, table, prefix + "target");

            // The attack of issue 21, by the sink's principal (it may read the topic, not write it) and by one with no ACLs.
            var forged = ForgedRecords.sweepAndPin(topic, 2, "attacker", target.modRevision() + 1000, prefix + "target");
            ExecutionException bySink = assertThrows(ExecutionException.class,
                    () -> ForgedRecords.send(scram("acl-sink"), Map.of(), forged));
            // Without Write on any topic the idempotent producer is refused its producer id, before any topic is named;
            // a producer that is not idempotent is refused the topic.
            assertInstanceOf(ClusterAuthorizationException.class, bySink.getCause(), bySink.toString());
            ExecutionException byOps = assertThrows(ExecutionException.class, () -> ForgedRecords.send(scram("acl-ops"),
                    Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1"), forged));
            assertInstanceOf(TopicAuthorizationException.class, byOps.getCause(), byOps.toString());
            ExecutionException byStranger = assertThrows(ExecutionException.class, () -> ForgedRecords.send(scram("acl-stranger"),
                    Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1"), forged));
            assertInstanceOf(TopicAuthorizationException.class, byStranger.getCause(), byStranger.toString());

            put(kv, prefix + "target", "t2");
            SqlRows.await(DB, table, prefix + "target", "t2");
            assertEquals("a1", SqlRows.read(DB, table, prefix + "live-a").value(), "nothing was swept");
            assertEquals("b1", SqlRows.read(DB, table, prefix + "live-b").value(), "nothing was swept");

            Path ops = ConfigFile.write(dir.resolve("ops.yaml"), withWriters(sinkSettings(scram("acl-ops"), topic, prefix, table,
                    group)));
            Path sinkYaml = ConfigFile.write(dir.resolve("sink.yaml"), sink);
            Map<String, Object> repairSettings = new HashMap<>(watcher);
            repairSettings.put("sink.jdbc", DB.jdbcUrl());
            repairSettings.put("sink.table", table);
            repairSettings.put("http.enabled", false);
            Path watcherYaml = ConfigFile.write(dir.resolve("watcher.yaml"), repairSettings);

            Cli.Result status = Cli.run(dir, "status", "--json", "-c", ops.toString());
            assertEquals(0, status.exit(), status.toString());
            JsonNode s = new ObjectMapper().readTree(status.out());
            assertTrue(s.get("watcher").get("produced_revision").asLong() >= target.modRevision(), status.out());
            assertEquals(2, s.get("kafka").get("change_topic").get("partitions").asInt(), status.out());

            Cli.Result check = Cli.run(dir, "check", "-c", ops.toString());
            assertEquals(0, check.exit(), check.toString());
            assertTrue(check.out().contains("no other principal may write them than User:acl-watcher"), check.out());
            assertFalse(check.out().contains("WARNING"), check.out());

            List<AclBinding> everyone = List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                    new AccessControlEntry("User:*", "*", AclOperation.WRITE, AclPermissionType.ALLOW)));
            KAFKA.grant(everyone);
            try {
                Cli.Result open = Cli.run(dir, "check", "-c", ops.toString());
                assertEquals(0, open.exit(), open.toString());
                assertTrue(open.out().contains("WARNING: every principal (User:*) may write topic " + topic), open.out());
                assertTrue(open.out().contains("--remove --allow-principal 'User:*'"), open.out());
            } finally {
                KAFKA.revoke(everyone);
            }
            Cli.Result blind = Cli.run(dir, "check", "-c", sinkYaml.toString());
            assertEquals(0, blind.exit(), blind.toString());
            assertTrue(blind.out().contains("NOTE: cannot see who may write the topics"), blind.out());

            // A repair writes the change topic: it runs with the watcher's principal.
            damage(table, prefix + "live-a");
            Cli.Result repair = Cli.run(dir, "reconcile", "--repair", "-c", watcherYaml.toString());
            assertEquals(1, repair.exit(), repair.toString());
            assertTrue(repair.out().contains("Repair: re-emitted 1 records"), repair.out());
            SqlRows.await(DB, table, prefix + "live-a", "a1");

            Cli.Result replay = Cli.run(dir, "replay", "--from-beginning", "-c", sinkYaml.toString());
            assertEquals(0, replay.exit(), replay.toString());
            put(kv, prefix + "after-replay", "r1");
            SqlRows.await(DB, table, prefix + "after-replay", "r1");
            Cli.Result clean = Cli.run(dir, "reconcile", "-c", watcherYaml.toString());
            assertEquals(0, clean.exit(), clean.toString());
        }
    }

    @Test
    void overMutualTlsTheWatcherCreatesItsTopicsWithTheDocumentedCreateAcl() throws Exception {
        String topic = "acl.tls.changes";
        String group = "ferry-sink.acl.tls";
        String prefix = "/acl-tls/";
        String table = "acl_tls_kv";
        // Certificate principals: User:<CN>, by the broker's ssl.principal.mapping.rules.
        Map<String, String> vars = vars(topic, group, "User:tls-watcher", "User:tls-sink", "User:tls-ops");
        KAFKA.grant(AclCommands.fromDoc("watcher", vars));
        KAFKA.grant(AclCommands.fromDoc("watcher-create", vars));
        KAFKA.grant(AclCommands.fromDoc("sink", vars));

        KV kv = ETCD.client().getKVClient();
        put(kv, prefix + "one", "1");
        Map<String, Object> watcher = watcherSettings(KAFKA.sslClientProperties(CERTS.client("tls-watcher")), topic, prefix);
        Map<String, Object> sink = sinkSettings(KAFKA.sslClientProperties(CERTS.client("tls-sink")), topic, prefix, table, group,
                TLS_DB);
        try (Replication r = Replication.start(watcher, sink)) {
            SqlRows.await(TLS_DB, table, prefix + "one", "1");
            put(kv, prefix + "two", "2");
            SqlRows.await(TLS_DB, table, prefix + "two", "2");
            assertNotNull(KAFKA.admin().describeTopics(List.of(topic + ".checkpoint")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic + ".checkpoint"), "the watcher made its checkpoint topic");

            // The sink's certificate may read the topic, never write it.
            var forged = ForgedRecords.sweepAndPin(topic, 2, "attacker", 1_000_000, prefix + "one");
            ExecutionException denied = assertThrows(ExecutionException.class, () -> ForgedRecords.send(
                    KAFKA.sslClientProperties(CERTS.client("tls-sink")), Map.of(), forged));
            assertInstanceOf(ClusterAuthorizationException.class, denied.getCause(), denied.toString());
            put(kv, prefix + "three", "3");
            SqlRows.await(TLS_DB, table, prefix + "three", "3");
            assertEquals("1", SqlRows.read(TLS_DB, table, prefix + "one").value());
        }
    }

    private static Map<String, Object> withWriters(Map<String, Object> settings) {
        settings.put("watcher.kafka.principals", "User:acl-watcher");
        return settings;
    }

    private static void put(KV kv, String key, String value) throws Exception {
        kv.put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value, StandardCharsets.UTF_8))
                .get(30, TimeUnit.SECONDS);
    }

    /** Corrupts one row behind the sink's back, as a bug or an operator might. */
    private static void damage(String table, String key) throws Exception {
        try (Connection c = DB.connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE " + table + " SET \"value\" = ? WHERE \"key\" = ?")) {
            ps.setBytes(1, "corrupt".getBytes(StandardCharsets.UTF_8));
            ps.setBytes(2, key.getBytes(StandardCharsets.UTF_8));
            assertEquals(1, ps.executeUpdate());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> "corrupt".equals(SqlRows.read(DB, table, key).value()));
    }
}
