package io.ferry.clients;

import io.ferry.core.config.PassthroughSecrets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Which {@code kafka.*} pass-through settings are secret, from Kafka's own definitions rather than from their names:
 * every setting of type {@link ConfigDef.Type#PASSWORD} in the producer's, consumer's or admin client's
 * {@link ConfigDef} ({@code sasl.jaas.config}, {@code ssl.key.password}, {@code ssl.keystore.key}, ...), so a setting
 * a later Kafka adds is masked without a change here. A name that no Kafka client knows counts as secret too: a
 * misspelled password is still a password. Registered for core's {@link io.ferry.core.config.Secrets} in
 * {@code META-INF/services}.
 */
public final class KafkaSecrets implements PassthroughSecrets {

    private static final List<ConfigDef> DEFINITIONS =
            List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef());
    private static final Set<String> PASSWORDS = passwords();

    /** The names (without {@code kafka.}) of every Kafka client setting of type PASSWORD. */
    public static Set<String> passwordKeys() {
        return PASSWORDS;
    }

    @Override
    public boolean isSecret(String name) {
        return PASSWORDS.contains(name) || DEFINITIONS.stream().noneMatch(d -> d.configKeys().containsKey(name));
    }

    private static Set<String> passwords() {
        Set<String> names = new TreeSet<>();
        for (ConfigDef def : DEFINITIONS) {
            for (Map.Entry<String, ConfigDef.ConfigKey> e : def.configKeys().entrySet()) {
                if (e.getValue().type() == ConfigDef.Type.PASSWORD) {
                    names.add(e.getKey());
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }
}
