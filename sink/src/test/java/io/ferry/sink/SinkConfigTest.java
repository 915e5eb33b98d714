package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.ConfigException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        var sink = FerryConfig.fromMap(Map.of()).sink();
        // One group per topic and target (issue 20): two pipelines on their defaults never share a group.
        assertTrue(sink.group().startsWith("ferry-sink.ferry.etcd.changes.sqlite.ferry."), sink.group());
        assertEquals(5000, sink.batchMaxRecords());
        assertEquals(Duration.ofDays(7), sink.tombstoneRetention());
        assertEquals(Optional.empty(), sink.dlqTopic());
    }

    @Test
    void connectionStringsBecomeJdbcUrlsWithCredentialsFromTheEnvironment() {
        var config = FerryConfig.fromYaml("sink:\n  jdbc: postgresql://ferry:${PGPASS}@db.example:5433/app?sslmode=require\n",
                Map.of("PGPASS", "s3cr:t"));
        JdbcTarget t = JdbcTarget.of(config.sink());
        assertEquals(JdbcTarget.Kind.POSTGRES, t.kind());
        assertEquals("jdbc:postgresql://db.example:5433/app?sslmode=require", t.jdbcUrl());
        assertEquals(Optional.of("ferry"), t.user());
        assertEquals(Optional.of("s3cr:t"), t.password());
        JdbcTarget m = JdbcTarget.of(FerryConfig.fromYaml("sink:\n  jdbc: mariadb://root@127.0.0.1/test\n  password: pw\n",
                Map.of()).sink());
        assertEquals(JdbcTarget.Kind.MYSQL, m.kind());
        assertEquals("jdbc:mysql://127.0.0.1/test", m.jdbcUrl());
        assertEquals(Optional.of("pw"), m.password());
    }

    @Test
    void badSinkSettingsAreAllReportedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> FerryConfig.fromMap(Map.of(
                "sink.batch.max.records", 0, "sink.dlq.topic", "bad topic!", "sink.retry.max.attempts", -1)));
        assertEquals(3, e.problems().size(), e.getMessage());
    }

    @Test
    void theConsumerWaitsBrieflyForDataUnlessTheUserSaysOtherwise() {
        Map<String, Object> base = Map.of("kafka.bootstrap", "localhost:9092");
        assertEquals(50, KafkaClients.consumer(FerryConfig.fromMap(base)).get("fetch.max.wait.ms"));
        Map<String, Object> own = new java.util.HashMap<>(base);
        own.put("kafka.fetch.max.wait.ms", "200");
        assertEquals("200", KafkaClients.consumer(FerryConfig.fromMap(own)).get("fetch.max.wait.ms"));
    }

    @Test
    void theSweepComputesPartitionsAsTheProducersDefaultPartitioner() {
        for (int i = 0; i < 500; i++) {
            byte[] key = ("/v1/actual/" + i + "/0/instance").getBytes();
            for (int n : new int[] {1, 3, 6, 7}) {
                assertEquals(BuiltInPartitioner.partitionForKey(key, n), Sweeper.partitionOf(key, n));
            }
        }
        assertTrue(Sweeper.partitionOf(new byte[] {0, (byte) 0xFF}, 6) >= 0);
    }
}
