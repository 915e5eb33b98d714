package io.ferry.core.config;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Keeps secrets out of logs and error messages. Passwords in URLs are found by parsing the URL
 * ({@link ConnectionUrl}), not by a pattern, so a password holding {@code %}, {@code /}, {@code @} or a space is
 * masked too. Which {@code kafka.*} pass-through values are secret is Kafka's to say: a
 * {@link PassthroughSecrets} found with {@link ServiceLoader} (the clients module provides one, from Kafka's own
 * definitions) decides; without one, every pass-through value is treated as secret.
 */
public final class Secrets {

    /** What a masked value prints as. */
    public static final String MASK = "****";

    private static final List<PassthroughSecrets> PASSTHROUGH = ServiceLoader.load(PassthroughSecrets.class,
            Secrets.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();

    private Secrets() {
    }

    /**
     * The URL with the password of {@code scheme://user:password@host} and the values of password-like query
     * parameters ({@code password=}, {@code sslpassword=}, ...) replaced by {@code ****}. Text that is not a URL
     * comes back as it is.
     */
    public static String maskUrl(String url) {
        return url == null ? null : ConnectionUrl.parse(url).masked();
    }

    /**
     * True when the value of the pass-through key {@code name} (without its {@code kafka.} prefix) must never be
     * printed: a Kafka setting of type PASSWORD, or a name no Kafka client knows (a misspelled secret is still a
     * secret). True for every key when no {@link PassthroughSecrets} is on the class path.
     */
    public static boolean isSecretPassthrough(String name) {
        if (PASSTHROUGH.isEmpty()) {
            return true;
        }
        return PASSTHROUGH.stream().anyMatch(p -> p.isSecret(name));
    }
}
