package io.ferry.clients;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kafka's own PASSWORD settings are masked wherever Ferry prints its configuration, whatever their names. */
class KafkaSecretsTest {

    @Test
    void everySettingOfKafkaTypePasswordIsASecret() {
        assertTrue(KafkaSecrets.passwordKeys().containsAll(List.of("sasl.jaas.config", "ssl.key.password",
                "ssl.keystore.key", "ssl.keystore.password", "ssl.truststore.password",
                "sasl.oauthbearer.assertion.private.key.passphrase")), KafkaSecrets.passwordKeys().toString());
        assertFalse(KafkaSecrets.passwordKeys().contains("security.protocol"));
    }

    @Test
    void theEffectiveConfigurationMasksThemAndShowsTheRest() {
        StringBuilder yaml = new StringBuilder("kafka.bootstrap: b:9093\nkafka.security.protocol: SASL_SSL\n"
                + "kafka.ssl.key.pasword: TYPO-hunter2\n");
        for (String key : KafkaSecrets.passwordKeys()) {
            yaml.append("kafka.").append(key).append(": \"").append("VALUE-hunter2-").append(key).append("\"\n");
        }
        String described = String.join("\n", FerryConfig.fromYaml(yaml.toString(), Map.of()).describe());
        assertFalse(described.contains("hunter2"), described);
        for (String key : KafkaSecrets.passwordKeys()) {
            assertTrue(described.contains("kafka." + key + " = ****"), key + " in " + described);
        }
        assertTrue(described.contains("kafka.ssl.key.pasword = ****"), "an unknown name is masked too: " + described);
        assertTrue(described.contains("kafka.security.protocol = SASL_SSL"), described);
    }

    @Test
    void errorsAboutKafkaSettingsNameThemWithoutTheirValues() {
        var kafka = FerryConfig.fromYaml("""
                kafka.bootstrap: b:9093
                kafka.ssl.key.pasword: TYPO-hunter2
                kafka.sasl.jaas.config: hunter2-jaas
                kafka.acks: "0"
                """, Map.of()).kafka();
        Exception e = assertThrows(FerryException.class, () -> KafkaSettings.of(kafka));
        assertTrue(e.getMessage().contains("kafka.ssl.key.pasword is not a Kafka"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertFalse(kafka.toString().contains("hunter2"), kafka.toString());
    }
}
