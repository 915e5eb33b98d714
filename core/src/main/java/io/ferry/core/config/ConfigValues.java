package io.ferry.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parsed and validated configuration values, looked up by their {@link ConfigKey}. Built only
 * by {@link ConfigDef#parse}, so every value in here has passed its validator.
 */
public final class ConfigValues {

    private final Map<String, Object> values;
    private final Map<String, String> kafkaPassthrough;

    ConfigValues(Map<String, Object> values, Map<String, String> kafkaPassthrough) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.kafkaPassthrough = Collections.unmodifiableMap(new TreeMap<>(kafkaPassthrough));
    }

    /** The value, or the key's default when it was not set (null for optional keys without one). */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        Object v = values.get(key.name());
        return v != null ? (T) v : key.defaultValue();
    }

    public boolean isSet(ConfigKey<?> key) {
        return values.containsKey(key.name());
    }

    /**
     * Every {@code kafka.*} key that is not one of Ferry's own, with the {@code kafka.} prefix
     * removed, for the Kafka clients to validate and use as they are.
     */
    public Map<String, String> kafkaPassthrough() {
        return kafkaPassthrough;
    }
}
