package io.ferry.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The set of keys a configuration may hold. Parsing checks every key and collects every problem
 * before failing, so an operator fixes a config in one pass rather than one error per restart.
 */
public final class ConfigDef {

    /** Keys under this prefix that Ferry does not declare go to the Kafka clients as they are. */
    public static final String KAFKA_PASSTHROUGH_PREFIX = "kafka.";

    private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
    private final List<Map.Entry<List<ConfigKey<?>>, CrossCheck>> crossChecks = new ArrayList<>();

    /**
     * A rule over several keys (a password that needs TLS, a key file that needs its certificate),
     * run once every key has parsed on its own; returns the problems it finds, each naming its key.
     */
    @FunctionalInterface
    public interface CrossCheck {
        List<ConfigProblem> check(ConfigValues values);
    }

    public ConfigDef define(ConfigKey<?> key) {
        if (keys.putIfAbsent(key.name(), key) != null) {
            throw new IllegalStateException("configuration key declared twice: " + key.name());
        }
        return this;
    }

    public ConfigDef defineAll(Collection<? extends ConfigKey<?>> all) {
        all.forEach(this::define);
        return this;
    }

    /**
     * Adds a rule over the keys it {@code reads}. It runs only when each of them passed its own
     * validator, so that it never judges a default standing in for a value that was rejected.
     */
    public ConfigDef crossCheck(List<ConfigKey<?>> reads, CrossCheck check) {
        crossChecks.add(Map.entry(List.copyOf(reads), check));
        return this;
    }

    public Collection<ConfigKey<?>> keys() {
        return Collections.unmodifiableCollection(keys.values());
    }

    public boolean isDeclared(String name) {
        return keys.containsKey(name);
    }

    /**
     * Parses flat, dotted keys into typed values.
     *
     * @param flat values as read from the file, keyed by dotted name
     * @param source where they came from, for the error message
     * @throws ConfigException listing every problem found
     */
    public ConfigValues parse(Map<String, Object> flat, String source) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, Object> parsed = new LinkedHashMap<>();
        Map<String, String> passthrough = new TreeMap<>();
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            String name = e.getKey();
            ConfigKey<?> key = keys.get(name);
            if (key == null) {
                if (name.startsWith(KAFKA_PASSTHROUGH_PREFIX) && e.getValue() != null) {
                    passthrough.put(name.substring(KAFKA_PASSTHROUGH_PREFIX.length()), e.getValue().toString());
                } else {
                    // An unknown key's value is never shown: a misspelled etcd.password is still a password.
                    problems.add(new ConfigProblem(name, null, unknownKeyReason(name)));
                }
                continue;
            }
            if (e.getValue() == null) {
                continue; // "key:" with nothing after it means "use the default"
            }
            parseOne(key, e.getValue(), parsed, problems);
        }
        for (ConfigKey<?> key : keys.values()) {
            if (key.required() && !parsed.containsKey(key.name()) && !hasProblem(problems, key.name())) {
                problems.add(new ConfigProblem(key.name(), null, "is required: " + key.doc()));
            }
        }
        ConfigValues values = new ConfigValues(parsed, passthrough);
        for (Map.Entry<List<ConfigKey<?>>, CrossCheck> check : crossChecks) {
            if (check.getKey().stream().noneMatch(k -> hasProblem(problems, k.name()))) {
                problems.addAll(check.getValue().check(values));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return values;
    }

    private static <T> void parseOne(ConfigKey<T> key, Object raw, Map<String, Object> parsed,
                                     List<ConfigProblem> problems) {
        T value;
        try {
            value = key.type().parse(raw);
        } catch (RuntimeException e) {
            problems.add(new ConfigProblem(key.name(), display(key, raw), "is not a valid " + key.type().describe()
                    + ": " + e.getMessage()));
            return;
        }
        String reason = key.validator().check(value);
        if (reason != null && key.secret() && !raw.toString().isEmpty()) {
            reason = reason.replace(raw.toString(), Secrets.MASK); // a validator that quotes its input must not show a secret
        }
        if (reason != null) {
            problems.add(new ConfigProblem(key.name(), display(key, raw), reason));
            return;
        }
        parsed.put(key.name(), value);
    }

    private String unknownKeyReason(String name) {
        String closest = null;
        int best = Integer.MAX_VALUE;
        for (String known : keys.keySet()) {
            int d = editDistance(name, known);
            if (d < best) {
                best = d;
                closest = known;
            }
        }
        String hint = closest != null && best <= Math.max(2, name.length() / 4) ? " Did you mean '" + closest + "'?" : "";
        return "unknown key." + hint;
    }

    /** A value as given, for an error message: secrets masked, and any password in a URL (also in a list). */
    static String display(ConfigKey<?> key, Object raw) {
        if (key.secret()) {
            return Secrets.MASK;
        }
        if (raw instanceof List<?> list) {
            return list.stream().map(v -> v == null ? "null" : Secrets.maskUrl(v.toString())).toList().toString();
        }
        return raw == null ? null : Secrets.maskUrl(raw.toString());
    }

    private static boolean hasProblem(List<ConfigProblem> problems, String key) {
        return problems.stream().anyMatch(p -> p.key().equals(key));
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * Every secret value in {@code values}: of keys marked secret, of secret pass-through keys, and the passwords
     * inside URLs of any other key; for {@link Secrets#remember}.
     */
    public List<String> secretValues(ConfigValues values) {
        List<String> out = new ArrayList<>();
        for (ConfigKey<?> key : keys.values()) {
            Object v = values.get(key);
            List<?> items = v instanceof List<?> list ? list : v == null ? List.of() : List.of(v);
            for (Object item : items) {
                if (key.secret()) {
                    out.add(String.valueOf(item));
                } else if (item instanceof String s) {
                    out.addAll(ConnectionUrl.parse(s).secrets());
                }
            }
        }
        values.kafkaPassthrough().forEach((k, v) -> {
            if (Secrets.isSecretPassthrough(k)) {
                out.add(v);
            } else {
                out.addAll(ConnectionUrl.parse(v).secrets());
            }
        });
        return out;
    }

    /** Effective configuration, one {@code key = value} per line, secrets masked, for the start-up log. */
    public List<String> describe(ConfigValues values) {
        List<String> lines = new ArrayList<>();
        for (ConfigKey<?> key : keys.values()) {
            lines.add(key.name() + " = " + render(key, values));
        }
        values.kafkaPassthrough().forEach((k, v) -> lines.add(KAFKA_PASSTHROUGH_PREFIX + k + " = "
                + (Secrets.isSecretPassthrough(k) ? Secrets.MASK : Secrets.maskUrl(v))));
        return lines;
    }

    private static <T> String render(ConfigKey<T> key, ConfigValues values) {
        T v = values.get(key);
        if (v == null) {
            return "(unset)";
        }
        if (key.secret()) {
            return Secrets.MASK;
        }
        if (key.type() == ConfigType.STRING_LIST) {
            // One URL at a time: a list joined by commas is no URL, and would not be parsed as one.
            return String.join(",", ((List<?>) v).stream().map(e -> Secrets.maskUrl(String.valueOf(e))).toList());
        }
        return Secrets.maskUrl(key.type().render(v));
    }
}
