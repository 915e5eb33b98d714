package io.ferry.watcher.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.KafkaConfig;
import io.ferry.watcher.WatcherException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    private static KafkaConfig kafka(Map<String, String> passthrough) {
        return kafka("127.0.0.1:9092", passthrough);
    }

    private static KafkaConfig kafka(String bootstrap, Map<String, String> passthrough) {
        Map<String, Object> flat = new HashMap<>();
        flat.put("kafka.bootstrap", bootstrap);
        passthrough.forEach((k, v) -> flat.put("kafka." + k, v));
        return FerryConfig.fromMap(flat).kafka();
    }

    @Test
    void passesSecuritySettingsToEveryClientThatKnowsThem() {
        KafkaClients c = new KafkaClients(kafka(Map.of("security.protocol", "SASL_SSL", "linger.ms", "20")), 4_194_304);
        assertEquals("SASL_SSL", c.admin().get("security.protocol"));
        assertEquals("SASL_SSL", c.producer("x").get("security.protocol"));
        assertEquals("20", c.producer("x").get("linger.ms"));
        assertFalse(c.admin().containsKey("linger.ms"), "a producer-only setting stays out of the admin client");
        assertEquals("read_committed", c.checkpointConsumer().get("isolation.level"));
    }

    @Test
    void throughputAndBackOffDefaultsYieldToTheUsersOwnSettings() {
        Map<String, Object> p = new KafkaClients(kafka(Map.of()), 4_194_304).producer("x");
        assertEquals(256 * 1024, p.get("batch.size"));
        assertEquals(10, p.get("retry.backoff.ms"));
        assertEquals(100, p.get("retry.backoff.max.ms"));
        Map<String, Object> own = new KafkaClients(kafka(Map.of("batch.size", "65536", "retry.backoff.ms", "500")),
                4_194_304).producer("x");
        assertEquals("65536", own.get("batch.size"));
        assertEquals("500", own.get("retry.backoff.ms"));
        assertFalse(own.containsKey("retry.backoff.max.ms"), "a user's back-off is not capped below itself");
    }

    @Test
    void exactlyOnceSettingsCannotBeOverridden() {
        Map<String, Object> p = new KafkaClients(kafka(Map.of()), 4_194_304).producer("ferry-watcher-t");
        assertEquals("ferry-watcher-t", p.get("transactional.id"));
        assertEquals(true, p.get("enable.idempotence"));
        assertEquals("all", p.get("acks"));
        assertEquals(4_194_304, p.get("max.request.size"));
        WatcherException e = assertThrows(WatcherException.class,
                () -> new KafkaClients(kafka(Map.of("acks", "1")), 4_194_304));
        assertTrue(e.getMessage().contains("kafka.acks is set by Ferry"), e.getMessage());
    }

    @Test
    void rejectsNamesNoKafkaClientKnows() {
        WatcherException e = assertThrows(WatcherException.class,
                () -> new KafkaClients(kafka(Map.of("lingr.ms", "5", "sasl.mechanism", "PLAIN")), 4_194_304));
        assertTrue(e.getMessage().contains("kafka.lingr.ms is not a Kafka"), e.getMessage());
        assertFalse(e.getMessage().contains("sasl.mechanism"), e.getMessage());
    }

    @Test
    void embeddedIsOnlyForFerryRun() {
        assertThrows(WatcherException.class,
                () -> new KafkaClients(kafka("embedded", Map.of()), 4_194_304));
    }
}
