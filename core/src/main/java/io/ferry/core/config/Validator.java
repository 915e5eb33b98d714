package io.ferry.core.config;

import java.util.List;
import java.util.function.Predicate;

/**
 * Checks a parsed value. Returns null when it is fine, otherwise the reason it is not.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface Validator<T> {

    String check(T value);

    static <T> Validator<T> none() {
        return v -> null;
    }

    static <T> Validator<T> that(Predicate<T> ok, String reason) {
        return v -> ok.test(v) ? null : reason;
    }

    static Validator<Integer> atLeast(int min) {
        return that(v -> v >= min, "must be at least " + min);
    }

    static Validator<Long> atLeastLong(long min) {
        return that(v -> v >= min, "must be at least " + min);
    }

    static Validator<java.time.Duration> positive() {
        return that(v -> !v.isNegative() && !v.isZero(), "must be greater than 0");
    }

    static Validator<String> nonBlank() {
        return that(v -> !v.isBlank(), "must not be empty");
    }

    static Validator<List<String>> nonEmptyList() {
        return that(v -> !v.isEmpty(), "must list at least one value");
    }

    /**
     * A path to a file this process can read now: a certificate or key that is missing or unreadable
     * is reported with the configuration, not as a TLS failure at the first connection.
     */
    static Validator<String> readableFile() {
        return v -> {
            java.nio.file.Path p;
            try {
                p = java.nio.file.Path.of(v);
            } catch (java.nio.file.InvalidPathException e) {
                return "is not a file path: " + e.getReason();
            }
            if (!java.nio.file.Files.exists(p)) {
                return "no such file";
            }
            if (java.nio.file.Files.isDirectory(p)) {
                return "is a directory, not a file";
            }
            return java.nio.file.Files.isReadable(p) ? null : "cannot be read by this process (check its permissions)";
        };
    }

    /** A plain SQL identifier, optionally schema-qualified: letters, digits and underscores. */
    static Validator<String> sqlIdentifier() {
        return that(v -> v.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?"),
                "must be a SQL identifier (letters, digits, _; optionally schema.table)");
    }
}
