package io.ferry.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Start-up fails fast and clearly, and creates topics with the settings the pipeline needs. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StartupIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void createsACompactedChangeTopicAndACheckpointTopic() throws Exception {
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "created", "/created/");
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
        }
        Map<String, TopicDescription> topics = KAFKA.admin().describeTopics(List.of("created", "created.checkpoint"))
                .allTopicNames().get(30, TimeUnit.SECONDS);
        assertEquals(3, topics.get("created").partitions().size());
        assertEquals(1, topics.get("created.checkpoint").partitions().size());
        ConfigResource change = new ConfigResource(ConfigResource.Type.TOPIC, "created");
        var config = KAFKA.admin().describeConfigs(List.of(change)).all().get(30, TimeUnit.SECONDS).get(change);
        assertEquals("compact", config.get("cleanup.policy").value());
        assertEquals("4194304", config.get("max.message.bytes").value());
        assertTrue(Fixture.checkpointRevision(KAFKA, "created") > 0, "the snapshot committed a checkpoint");
    }

    @Test
    void anUnreachableEtcdFailsNamingTheEndpoint() throws Exception {
        String dead = "http://127.0.0.1:" + freePort();
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "noetcd", "/x/");
        s.put("etcd.endpoints", dead);
        s.put("etcd.connect.timeout.ms", 2000);
        WatcherException e = failStart(s);
        assertTrue(e.getMessage().contains(dead), e.getMessage());
    }

    @Test
    void anUnreachableKafkaFailsNamingTheBootstrapServers() throws Exception {
        String dead = "127.0.0.1:" + freePort();
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, "nokafka", "/x/");
        s.put("kafka.bootstrap", dead);
        s.put("watcher.kafka.timeout.ms", 3000);
        WatcherException e = failStart(s);
        assertTrue(e.getMessage().contains(dead), e.getMessage());
    }

    @Test
    void aTopicTooSmallForALargeValueIsRefusedWithTheFix() throws Exception {
        KAFKA.createTopic("small", 3, Map.of("max.message.bytes", "1048576"));
        WatcherException e = failStart(Fixture.settings(ETCD, KAFKA, "small", "/x/"));
        assertTrue(e.getMessage().contains("max.message.bytes=1048576"), e.getMessage());
        assertTrue(e.getMessage().contains("kafka-configs"), e.getMessage());
    }

    private static WatcherException failStart(Map<String, Object> settings) throws Exception {
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(settings), new SimpleMeterRegistry())) {
            watcher.start();
            WatcherException e = assertThrows(WatcherException.class, () -> watcher.awaitStreaming(Duration.ofMinutes(1)));
            assertEquals(WatcherState.FAILED, watcher.state());
            return e;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
