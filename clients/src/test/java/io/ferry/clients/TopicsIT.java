package io.ferry.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.KafkaConfig;
import io.ferry.testkit.KafkaBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The topic contract against a single broker on Apache's defaults (auto-creation on, 1 MiB records). */
@Timeout(120)
class TopicsIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final int FOUR_MIB = 4 * 1024 * 1024;

    private static KafkaConfig kafka(String topic, Object... extra) {
        Map<String, Object> flat = new HashMap<>(Map.of("kafka.bootstrap", KAFKA.bootstrapServers(), "kafka.topic", topic,
                "kafka.topic.partitions", 3));
        for (int i = 0; i < extra.length; i += 2) {
            flat.put((String) extra[i], extra[i + 1]);
        }
        return FerryConfig.fromMap(flat).kafka();
    }

    private static Topics topics() {
        return new Topics(KAFKA.admin(), KAFKA.bootstrapServers(), Duration.ofSeconds(30), "watcher.kafka.timeout.ms");
    }

    @Test
    void anAbsentTopicIsCreatedCompactedWithRoomForEveryEtcdValue() throws Exception {
        TopicCheck check = topics().ensure(TopicSpec.changeTopic(kafka("contract.new"), FOUR_MIB));
        assertTrue(check.created());
        assertEquals(3, check.partitions());
        assertEquals(1, check.replicationFactor(), "3 replicas, or the number of brokers when there are fewer");
        assertEquals(List.of(), check.warnings());
        Map<String, String> settings = settings("contract.new");
        assertEquals("compact", settings.get("cleanup.policy"));
        assertEquals(Integer.toString(FOUR_MIB), settings.get("max.message.bytes"));
        assertFalse(topics().ensure(TopicSpec.changeTopic(kafka("contract.new"), FOUR_MIB)).created(), "made once");
    }

    @Test
    void aTopicThatDeletesRecordsIsRefusedWithTheCommandAndLeftAsItIs() throws Exception {
        KAFKA.createTopic("contract.delete", 2, Map.of("cleanup.policy", "delete"));
        FerryException e = assertThrows(FerryException.class,
                () -> topics().ensure(TopicSpec.changeTopic(kafka("contract.delete"), FOUR_MIB)));
        assertTrue(e.getMessage().contains("topic contract.delete has cleanup.policy=delete"), e.getMessage());
        assertTrue(e.getMessage().contains("kafka-configs.sh --bootstrap-server " + KAFKA.bootstrapServers()
                + " --alter --entity-type topics --entity-name contract.delete --add-config cleanup.policy=compact"), e.getMessage());
        assertTrue(e.getMessage().contains("--add-config max.message.bytes=" + FOUR_MIB), "each setting that does not fit: "
                + e.getMessage());
        assertEquals("1048588", settings("contract.delete").get("max.message.bytes"), "a refused topic is not altered");
        TopicCheck seen = topics().inspect(TopicSpec.changeTopic(kafka("contract.delete"), FOUR_MIB)).orElseThrow();
        assertEquals(2, seen.partitions());
        assertTrue(seen.warnings().stream().anyMatch(w -> w.contains("cleanup.policy=delete")), seen.warnings().toString());
    }

    @Test
    void aPreCreatedCompactedTopicWorksAndItsRecordLimitIsRaised() throws Exception {
        KAFKA.createTopic("contract.precreated", 5, Map.of("cleanup.policy", "compact,delete"));
        TopicCheck check = topics().ensure(TopicSpec.changeTopic(kafka("contract.precreated"), FOUR_MIB));
        assertFalse(check.created());
        assertEquals(5, check.partitions(), "any partition count works, and is reported");
        assertEquals(FOUR_MIB, check.maxMessageBytes());
        assertEquals(Integer.toString(FOUR_MIB), settings("contract.precreated").get("max.message.bytes"));
    }

    @Test
    void settingsNoClusterCanMeetAreRefusedBeforeAnythingIsMade() throws Exception {
        FerryException tooMany = assertThrows(FerryException.class, () -> topics().ensure(
                TopicSpec.changeTopic(kafka("contract.rf", "kafka.topic.replication.factor", 2), FOUR_MIB)));
        assertTrue(tooMany.getMessage().contains("replication factor 2 on a cluster of 1 brokers"), tooMany.getMessage());
        assertTrue(tooMany.getMessage().contains("kafka.topic.replication.factor"), tooMany.getMessage());
        FerryException isr = assertThrows(FerryException.class, () -> topics().ensure(
                TopicSpec.changeTopic(kafka("contract.isr", "kafka.topic.min.insync.replicas", 2), FOUR_MIB)));
        assertTrue(isr.getMessage().contains("kafka.topic.min.insync.replicas=2 is more than the replication factor 1"),
                isr.getMessage());
        assertFalse(topics().exists("contract.rf"));
        assertFalse(topics().exists("contract.isr"));
        assertTrue(topics().inspect(TopicSpec.changeTopic(kafka("contract.absent"), FOUR_MIB)).isEmpty());
    }

    private static Map<String, String> settings(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = KAFKA.admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        Map<String, String> out = new HashMap<>();
        config.entries().forEach(e -> out.put(e.name(), e.value()));
        return out;
    }
}
