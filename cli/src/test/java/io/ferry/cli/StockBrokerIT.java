package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.ferry.testkit.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ferry's packaged processes on a Kafka broker as Apache ships it (topics auto-created on first use,
 * with 1 partition, {@code cleanup.policy=delete} and 1 MiB records): no client of Ferry's creates a
 * topic by accident, a topic the broker made is refused with the fix named, and an operator's fix is
 * taken up.
 */
@Timeout(300)
class StockBrokerIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    @RegisterExtension
    static final SqlDatabase PG = SqlDatabase.postgres();

    @TempDir
    Path dir;

    @Test
    void aSinkStartedFirstWaitsForTheWatchersTopicAndNeverCreatesIt() throws Exception {
        String topic = "stock.first";
        Path config = config("/first/", topic);
        Path sinkDir = Files.createDirectories(dir.resolve("sink"));
        Path watchDir = Files.createDirectories(dir.resolve("watch"));
        Process sink = Cli.start(sinkDir, "sink", "-c", config.toString());
        Process watch = null;
        try {
            Awaitility.await("the sink says it waits").atMost(Duration.ofSeconds(60))
                    .until(() -> Cli.log(sinkDir).contains("Waiting for topic " + topic + " to exist"));
            assertFalse(KAFKA.admin().listTopics().names().get(30, TimeUnit.SECONDS).contains(topic),
                    "the sink's consumer asked for the topic; a stock broker must not have created it");

            watch = Cli.start(watchDir, "watch", "-c", config.toString());
            long revision = put("/first/a", "1");
            awaitRow("/first/a", "1", Duration.ofSeconds(90), sink, sinkDir);
            assertTrue(revision > 0);
            Map<String, String> settings = topicConfig(topic);
            assertEquals("compact", settings.get("cleanup.policy"));
            assertEquals("4194304", settings.get("max.message.bytes"));
            assertTrue(Cli.log(sinkDir).contains("Topic " + topic + " exists now"), Cli.log(sinkDir));
        } finally {
            Cli.stop(sink);
            Cli.stop(watch);
        }
    }

    @Test
    void aTopicTheBrokerMadeIsRefusedWithTheFixAndTakenOnceFixed() throws Exception {
        String topic = "stock.auto";
        // A consumer on Kafka's defaults (an older Ferry sink, a monitoring tool) asks for the topic before
        // the watcher has made it, and the broker makes it with its own defaults.
        try (KafkaConsumer<byte[], byte[]> early = new KafkaConsumer<>(Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            early.partitionsFor(topic, Duration.ofSeconds(60));
        }
        Awaitility.await("the broker made " + topic).atMost(Duration.ofSeconds(30))
                .until(() -> KAFKA.admin().listTopics().names().get(30, TimeUnit.SECONDS).contains(topic));
        assertEquals("delete", topicConfig(topic).get("cleanup.policy"));
        Path config = config("/auto/", topic);

        Cli.Result refused = Cli.run(dir, "run", "-c", config.toString());
        assertEquals(2, refused.exit(), refused.toString());
        String said = refused.out() + refused.err();
        assertTrue(said.contains("topic " + topic + " has cleanup.policy=delete"), said);
        assertTrue(said.contains("kafka-configs.sh --bootstrap-server " + KAFKA.bootstrapServers() + " --alter --entity-type "
                + "topics --entity-name " + topic + " --add-config cleanup.policy=compact"), said);

        // The operator runs the command it named; the record limit (1 MiB) Ferry raises by itself.
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        KAFKA.admin().incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Process run = Cli.start(runDir, "run", "-c", config.toString());
        try {
            put("/auto/k", "v");
            awaitRow("/auto/k", "v", Duration.ofSeconds(90), run, runDir);
            assertEquals("4194304", topicConfig(topic).get("max.message.bytes"));
            assertTrue(Cli.log(runDir).contains("Raised max.message.bytes of topic " + topic), Cli.log(runDir));
            assertTrue(Cli.log(runDir).contains("topic " + topic + ": 1 partitions"), "the partition count is reported");
        } finally {
            Cli.stop(run);
        }
    }

    private Path config(String prefix, String topic) throws Exception {
        return Files.writeString(dir.resolve(topic + ".yaml"), String.join("\n",
                "etcd.endpoints: " + ETCD.endpoint(),
                "etcd.prefix: " + prefix,
                "kafka.bootstrap: " + KAFKA.bootstrapServers(),
                "kafka.topic: " + topic,
                "sink.jdbc: " + PG.jdbcUrl(),
                "sink.user: " + PG.user(),
                "sink.password: \"" + (PG.password() == null ? "" : PG.password()) + "\"",
                "http.enabled: false",
                ""));
    }

    private static long put(String key, String value) throws Exception {
        return ETCD.client().getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8),
                ByteSequence.from(value, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
    }

    private static void awaitRow(String key, String value, Duration limit, Process process, Path logDir) {
        Awaitility.await(key + " in SQL").atMost(limit).pollInterval(Duration.ofMillis(200))
                .failFast("the ferry process exited; its log is in " + logDir, () -> !process.isAlive())
                .until(() -> value.equals(Cli.value(PG, key)));
    }

    private static Map<String, String> topicConfig(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = KAFKA.admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        Map<String, String> out = new java.util.HashMap<>();
        config.entries().forEach(e -> out.put(e.name(), e.value()));
        return out;
    }
}
