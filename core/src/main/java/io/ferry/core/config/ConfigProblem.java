package io.ferry.core.config;

/**
 * One thing wrong with a configuration.
 *
 * @param key the offending key, or {@code (file)} for problems with the file itself
 * @param value the value as given, already masked if the key is secret; may be null
 * @param reason what is wrong and, where it helps, what to write instead
 */
public record ConfigProblem(String key, String value, String reason) {

    @Override
    public String toString() {
        return value == null ? key + ": " + reason : key + " = " + value + ": " + reason;
    }
}
