package io.ferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The three-broker cluster against real Kafka JVMs: brokers are killed under a transactional
 * producer and a read_committed consumer, and what was committed is read back in full.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaClusterIT {

    @RegisterExtension
    static final KafkaCluster KAFKA = new KafkaCluster();

    private static final Duration RECOVERY = Duration.ofSeconds(90);
    /** Broker settings and the values Apache Kafka 4.1 ships them with. */
    private static final Map<String, String> APACHE_DEFAULTS = Map.of("auto.create.topics.enable", "true", "num.partitions", "1",
            "default.replication.factor", "1", "min.insync.replicas", "1", "offsets.topic.replication.factor", "3",
            "transaction.state.log.replication.factor", "3", "transaction.state.log.min.isr", "2", "message.max.bytes", "1048588",
            "unclean.leader.election.enable", "false", "broker.session.timeout.ms", "9000");
    /** Apache's default partition count of __consumer_offsets and __transaction_state. */
    private static final int INTERNAL_PARTITIONS = 50;

    @AfterEach
    void everyBrokerBackAndHealthy() {
        KAFKA.brokers().stream().filter(b -> !b.running()).forEach(KafkaCluster.Broker::start);
        KAFKA.awaitHealthy(RECOVERY);
    }

    @Test
    void threeBrokersRunApacheDefaultsApartFromAddresses() throws Exception {
        assertEquals(3, KAFKA.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
        assertEquals(3, KAFKA.admin().describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).voters().size());
        for (KafkaCluster.Broker b : KAFKA.brokers()) {
            var configs = KAFKA.admin().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(b.id()))))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next();
            APACHE_DEFAULTS.forEach((name, value) -> {
                ConfigEntry entry = configs.get(name);
                assertEquals(value, entry.value(), name + " on broker " + b.id());
                // Not from server.properties. The controller itself writes min.insync.replicas as a cluster-wide
                // dynamic default when it bootstraps (KIP-966), with the same value.
                assertTrue(Set.of(ConfigEntry.ConfigSource.DEFAULT_CONFIG, ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
                        .contains(entry.source()), name + " on broker " + b.id() + " comes from " + entry.source());
            });
        }
    }

    @Test
    void aProduceToANewTopicCreatesItWithTheBrokerDefaults() throws Exception {
        String topic = "auto-created";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(null))) {
            producer.send(new ProducerRecord<>(topic, "k", "first")).get(60, TimeUnit.SECONDS);
        }

        TopicDescription created = KAFKA.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        assertEquals(1, created.partitions().size());
        assertEquals(1, created.partitions().get(0).replicas().size());
        try (KafkaConsumer<String, String> consumer = readCommitted(topic)) {
            assertEquals(List.of("first"), poll(consumer, 1));
        }
    }

    @Test
    void aReplicatedTopicSurvivesKillNineOfItsLeaderUnderATransactionalProducerAndAReadCommittedConsumer() throws Exception {
        String topic = "replicated";
        createReplicatedTopic(topic);
        KafkaCluster.Broker leader = KAFKA.leaderOf(topic, 0);
        List<String> committed = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps("kill-leader"));
             KafkaConsumer<String, String> consumer = readCommitted(topic)) {
            producer.initTransactions();
            committed.addAll(transaction(producer, topic, "before", 10, true));
            assertEquals(committed, poll(consumer, committed.size()));

            // Half a transaction acknowledged by all three replicas, then its partition leader dies.
            producer.beginTransaction();
            List<String> straddling = send(producer, topic, "straddling", 5);
            producer.flush();
            leader.kill();
            straddling.addAll(send(producer, topic, "straddling-after", 5));
            producer.commitTransaction();
            committed.addAll(straddling);
            transaction(producer, topic, "aborted", 5, false);
            committed.addAll(transaction(producer, topic, "after", 10, true));

            assertNotEquals(leader.id(), KAFKA.leaderOf(topic, 0).id());
            assertEquals(committed.subList(10, committed.size()), poll(consumer, committed.size() - 10),
                    "the consumer goes on across the leader change, and sees every committed record and no aborted one");
        }

        leader.start();

        awaitFullIsr(topic);
        try (KafkaConsumer<String, String> fresh = readCommitted(topic)) {
            assertEquals(committed, poll(fresh, committed.size()));
        }
    }

    @Test
    void theTransactionCoordinatorCanBeFoundAndKilledAndTheProducerGoesOn() throws Exception {
        String topic = "coordinated";
        String transactionalId = "coordinator-kill";
        createReplicatedTopic(topic);
        List<String> committed = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(transactionalId))) {
            producer.initTransactions();
            committed.addAll(transaction(producer, topic, "before", 5, true));
            KafkaCluster.Broker coordinator = KAFKA.transactionCoordinator(transactionalId);
            assertEquals(KAFKA.leaderOf("__transaction_state", Utils.abs(transactionalId.hashCode()) % INTERNAL_PARTITIONS).id(),
                    coordinator.id(), "the coordinator leads the transaction log partition of the id");

            coordinator.kill();
            committed.addAll(transaction(producer, topic, "after", 5, true));

            KafkaCluster.Broker moved = KAFKA.transactionCoordinator(transactionalId);
            assertNotEquals(coordinator.id(), moved.id());
            assertTrue(moved.running());

            coordinator.start();
            assertTrue(coordinator.running());
            assertTrue(KAFKA.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == coordinator.id()),
                    "the restarted broker is registered again");
        }
        KAFKA.awaitHealthy(RECOVERY);
        try (KafkaConsumer<String, String> consumer = readCommitted(topic)) {
            assertEquals(committed, poll(consumer, committed.size()));
        }
    }

    @Test
    void aStoppedLeaderHandsOverInAControlledShutdownAndRejoinsAfterStart() throws Exception {
        String topic = "graceful";
        createReplicatedTopic(topic);
        KafkaCluster.Broker leader = KAFKA.leaderOf(topic, 0);
        List<String> committed = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps("graceful-stop"))) {
            producer.initTransactions();
            committed.addAll(transaction(producer, topic, "before", 5, true));

            leader.stop();

            assertFalse(leader.running());
            assertNotEquals(leader.id(), KAFKA.leaderOf(topic, 0).id());
            committed.addAll(transaction(producer, topic, "after", 5, true));
        }
        leader.start();

        awaitFullIsr(topic);
        try (KafkaConsumer<String, String> consumer = readCommitted(topic)) {
            assertEquals(committed, poll(consumer, committed.size()));
        }
    }

    @Test
    void theGroupCoordinatorIsTheLeaderOfTheGroupsOffsetsPartition() throws Exception {
        String group = "group-coordinated";
        String topic = "grouped";
        createReplicatedTopic(topic);
        Properties p = consumerProps();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0)));
        }

        KafkaCluster.Broker coordinator = KAFKA.groupCoordinator(group);

        assertThrows(IllegalArgumentException.class, () -> KAFKA.groupCoordinator("never-used"), "a group Kafka does not know");
        assertEquals(KAFKA.leaderOf("__consumer_offsets", Utils.abs(group.hashCode()) % INTERNAL_PARTITIONS).id(), coordinator.id());
        assertEquals(0L, KAFKA.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .get(new TopicPartition(topic, 0)).offset());
    }

    private static void createReplicatedTopic(String topic) throws Exception {
        KAFKA.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
        awaitFullIsr(topic);
    }

    /** Waits until every broker is an in-sync replica of the topic's partition 0 again. */
    private static void awaitFullIsr(String topic) {
        Awaitility.await("3 in-sync replicas of " + topic).atMost(RECOVERY).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> KAFKA.admin().describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                        .partitions().get(0).isr().size() == 3);
    }

    /** One transaction of {@code count} records, committed or aborted; returns the values it sent. */
    private static List<String> transaction(KafkaProducer<String, String> producer, String topic, String label, int count, boolean commit) {
        producer.beginTransaction();
        List<String> values = send(producer, topic, label, count);
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
        return values;
    }

    private static List<String> send(KafkaProducer<String, String> producer, String topic, String label, int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = label + "-" + i;
            producer.send(new ProducerRecord<>(topic, 0, "k", value));
            values.add(value);
        }
        return values;
    }

    private static Properties producerProps(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return p;
    }

    private static Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    /** A read_committed consumer of partition 0 from the beginning, with no group. */
    private static KafkaConsumer<String, String> readCommitted(String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps());
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        return consumer;
    }

    /** Polls until {@code expected} values arrived (or more: the assertion then shows them) and returns them. */
    private static List<String> poll(KafkaConsumer<String, String> consumer, int expected) {
        List<String> values = new ArrayList<>();
        Awaitility.await(expected + " records").atMost(RECOVERY).pollDelay(Duration.ZERO).until(() -> {
            consumer.poll(Duration.ofMillis(250)).forEach(r -> values.add(r.value()));
            return values.size() >= expected;
        });
        return values;
    }
}
