package io.ferry.core.config;

/**
 * Says which {@code kafka.*} pass-through settings hold secrets, so that the effective configuration and error
 * messages mask them. core knows no Kafka; the module that builds the Kafka clients implements this from Kafka's own
 * setting definitions and registers it in {@code META-INF/services/io.ferry.core.config.PassthroughSecrets}.
 */
public interface PassthroughSecrets {

    /**
     * @param name a pass-through key without its {@code kafka.} prefix, such as {@code ssl.key.password}
     * @return true when its value must never be printed: a secret, or a name the provider does not know
     */
    boolean isSecret(String name);
}
