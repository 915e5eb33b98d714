package io.ferry.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FerryConfigTest {

    @Test
    void emptyConfigGivesEmbeddedDefaults() {
        FerryConfig c = FerryConfig.fromYaml("", Map.of());
        assertEquals(List.of(URI.create("http://127.0.0.1:2379")), c.etcd().endpoints());
        assertTrue(c.kafka().embedded());
        assertEquals("jdbc:sqlite:ferry.db", c.sink().jdbc());
        assertEquals("etcd_kv", c.sink().table());
        assertEquals(Duration.ofMillis(50), c.watcher().commitInterval());
    }

    @Test
    void nestedAndDottedKeysMeanTheSame() {
        FerryConfig nested = FerryConfig.fromYaml("""
                etcd:
                  endpoints: [http://10.0.0.1:2379, http://10.0.0.2:2379]
                  prefix: /v1/
                kafka:
                  bootstrap: broker:9092
                  topic: diego.changes
                sink:
                  jdbc: jdbc:postgresql://db/diego
                  table: bbs_kv
                """, Map.of());
        FerryConfig dotted = FerryConfig.fromYaml("""
                etcd.endpoints: http://10.0.0.1:2379,http://10.0.0.2:2379
                etcd.prefix: /v1/
                kafka.bootstrap: broker:9092
                kafka.topic: diego.changes
                sink.jdbc: jdbc:postgresql://db/diego
                sink.table: bbs_kv
                """, Map.of());
        assertEquals(nested.etcd(), dotted.etcd());
        assertEquals(nested.kafka(), dotted.kafka());
        assertEquals(nested.sink(), dotted.sink());
        assertEquals(List.of("/v1/"), nested.etcd().prefixes());
        assertEquals(2, nested.etcd().endpoints().size());
    }

    @Test
    void everyProblemIsReportedAtOnceNamingKeyValueAndReason() {
        ConfigException e = assertThrows(ConfigException.class, () -> FerryConfig.fromYaml("""
                etcd.endpoints: localhost-without-scheme
                etcd.prefix: []
                kafka.topic: "bad topic!"
                kafka.topic.partitions: zero
                sink.jdbc: oracle:thin:@db
                sink.tabel: x
                watcher.commit.interval.ms: -5
                """, Map.of()));
        List<String> keys = e.problems().stream().map(ConfigProblem::key).toList();
        assertEquals(List.of("etcd.endpoints", "etcd.prefix", "kafka.topic", "kafka.topic.partitions", "sink.jdbc",
                "sink.tabel", "watcher.commit.interval.ms"), keys);
        String msg = e.getMessage();
        assertTrue(msg.contains("7 problems"), msg);
        assertTrue(msg.contains("etcd.endpoints = localhost-without-scheme: 'localhost-without-scheme' is not an endpoint URL"), msg);
        assertTrue(msg.contains("kafka.topic.partitions = zero: is not a valid int: expected a whole number"), msg);
        assertTrue(msg.contains("sink.tabel: unknown key. Did you mean 'sink.table'?"), msg);
        assertTrue(msg.contains("watcher.commit.interval.ms = -5: must be greater than 0"), msg);
    }

    @Test
    void theWatchersCommitFloorDefaultsTo20MsAcceptsZeroAndRefusesNegatives() {
        assertEquals(java.time.Duration.ofMillis(20), FerryConfig.fromYaml("", Map.of()).watcher().commitMinInterval());
        assertEquals(java.time.Duration.ZERO,
                FerryConfig.fromYaml("watcher.commit.min.interval.ms: 0", Map.of()).watcher().commitMinInterval());
        ConfigException e = assertThrows(ConfigException.class,
                () -> FerryConfig.fromYaml("watcher.commit.min.interval.ms: -1", Map.of()));
        assertTrue(e.getMessage().contains("watcher.commit.min.interval.ms = -1: must be at least 0"), e.getMessage());
    }

    @Test
    void environmentReferencesAreSubstitutedAndMissingOnesReported() {
        FerryConfig c = FerryConfig.fromYaml("""
                sink.jdbc: postgresql://ferry:${PGPASSWORD}@db:5432/app
                etcd.password: ${ETCD_PASSWORD}
                etcd.allow.plaintext.password: true
                sink.table: ${TABLE:-etcd_kv}
                """, Map.of("PGPASSWORD", "s3cret", "ETCD_PASSWORD", "e-pass"));
        assertEquals("postgresql://ferry:s3cret@db:5432/app", c.sink().jdbc());
        assertEquals("e-pass", c.etcd().password().orElseThrow());
        assertEquals("etcd_kv", c.sink().table());

        ConfigException e = assertThrows(ConfigException.class,
                () -> FerryConfig.fromYaml("sink.password: ${NOPE}", Map.of()));
        assertTrue(e.getMessage().contains("refers to environment variable NOPE, which is not set"), e.getMessage());
    }

    @Test
    void secretsNeverReachTheEffectiveConfigOrErrors() {
        FerryConfig c = FerryConfig.fromYaml("""
                sink.jdbc: postgresql://ferry:hunter2@db/app
                etcd.password: hunter2
                etcd.allow.plaintext.password: true
                kafka.sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required password="hunter2";
                """, Map.of());
        String described = String.join("\n", c.describe());
        assertFalse(described.contains("hunter2"), described);
        assertTrue(described.contains("sink.jdbc = postgresql://ferry:****@db/app"), described);
        assertFalse(c.sink().toString().contains("hunter2"));

        ConfigException e = assertThrows(ConfigException.class,
                () -> FerryConfig.fromYaml("sink.jdbc: oracle://u:hunter2@db\netcd.password: [hunter2]", Map.of()));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void undeclaredKafkaKeysPassThroughToTheClients() {
        FerryConfig c = FerryConfig.fromYaml("""
                kafka:
                  bootstrap: b:9092
                  security.protocol: SASL_SSL
                  sasl:
                    mechanism: PLAIN
                """, Map.of());
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"), c.kafka().clientProperties());
    }

    @Test
    void fileProblemsAreReportedAsConfigProblems(@TempDir Path dir) throws Exception {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> FerryConfig.load(dir.resolve("nope.yaml"), Map.of()));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());

        Path bad = Files.writeString(dir.resolve("bad.yaml"), "etcd:\n  endpoints: [a\n");
        ConfigException syntax = assertThrows(ConfigException.class, () -> FerryConfig.load(bad, Map.of()));
        assertTrue(syntax.getMessage().contains("is not valid YAML at line"), syntax.getMessage());

        Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
        ConfigException notMap = assertThrows(ConfigException.class, () -> FerryConfig.load(list, Map.of()));
        assertTrue(notMap.getMessage().contains("must be a YAML map"), notMap.getMessage());
    }

    @Test
    void keySetBothNestedAndDottedIsAProblem() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> FerryConfig.fromYaml("sink.table: a\nsink:\n  table: b\n", Map.of()));
        assertTrue(e.getMessage().contains("is set twice"), e.getMessage());
    }
}
