package io.ferry.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.KafkaConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    private static KafkaConfig kafka(Map<String, String> passthrough) {
        Map<String, Object> flat = new HashMap<>(Map.of("kafka.bootstrap", "b1:9092,b2:9092"));
        passthrough.forEach((k, v) -> flat.put("kafka." + k, v));
        return FerryConfig.fromMap(flat).kafka();
    }

    @Test
    void noConsumerOfFerrysCreatesATopicByAccident() {
        KafkaSettings s = KafkaSettings.of(kafka(Map.of()));
        assertEquals(false, s.consumer().get("allow.auto.create.topics"));
        assertEquals(false, s.groupConsumer("g", "host-1").get("allow.auto.create.topics"));
        assertEquals("read_committed", s.consumer().get("isolation.level"));
    }

    @Test
    void groupMembersAreStaticOnTheClassicProtocol() {
        Map<String, Object> p = KafkaSettings.of(kafka(Map.of())).groupConsumer("ferry-sink.t.postgres.db.1a2b3c4d", "host-1");
        assertEquals("ferry-sink.t.postgres.db.1a2b3c4d", p.get("group.id"));
        assertEquals("host-1", p.get("group.instance.id"));
        assertEquals("classic", p.get("group.protocol"));
    }

    @Test
    void securitySettingsReachEveryClient() {
        KafkaSettings s = KafkaSettings.of(kafka(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512")));
        for (Map<String, Object> p : java.util.List.of(s.admin(), s.producer(), s.consumer(), s.groupConsumer("g", "i"))) {
            assertEquals("SASL_SSL", p.get("security.protocol"));
            assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
            assertEquals("b1:9092,b2:9092", p.get("bootstrap.servers"));
        }
    }

    @Test
    void membershipAndTopicCreationCannotBeOverridden() {
        FerryException e = assertThrows(FerryException.class, () -> KafkaSettings.of(
                kafka(Map.of("group.instance.id", "x", "allow.auto.create.topics", "true", "group.id", "g"))));
        assertTrue(e.getMessage().contains("kafka.allow.auto.create.topics is set by Ferry"), e.getMessage());
        assertTrue(e.getMessage().contains("kafka.group.id is set by Ferry"), e.getMessage());
        assertTrue(e.getMessage().contains("kafka.group.instance.id is set by Ferry"), e.getMessage());
    }
}
