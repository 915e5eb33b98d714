package io.ferry.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a raw YAML value becomes a typed one. {@link #parse} throws
 * {@link IllegalArgumentException} with a reason a person can act on.
 *
 * @param <T> the Java type of the value
 */
public interface ConfigType<T> {

    T parse(Object raw);

    /** A short name for documentation: {@code string}, {@code int}, {@code list}, ... */
    String describe();

    /** Renders a value back as YAML text, for documentation and the effective-config log. */
    default String render(T value) {
        return String.valueOf(value);
    }

    ConfigType<String> STRING = new Simple<>("string", raw -> {
        if (raw instanceof Map || raw instanceof List) {
            throw new IllegalArgumentException("expected a single value, not a " + (raw instanceof Map ? "map" : "list"));
        }
        return raw.toString();
    });

    ConfigType<Integer> INT = new Simple<>("int", raw -> Math.toIntExact(parseLong(raw)));

    ConfigType<Long> LONG = new Simple<>("long", ConfigType::parseLong);

    ConfigType<Boolean> BOOLEAN = new Simple<>("boolean", raw -> {
        String s = raw.toString().trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("expected true or false");
    });

    /** A whole number of milliseconds; the key's name ends in {@code .ms}. */
    ConfigType<Duration> MILLIS = new ConfigType<>() {
        @Override
        public Duration parse(Object raw) {
            return Duration.ofMillis(parseLong(raw));
        }

        @Override
        public String describe() {
            return "milliseconds";
        }

        @Override
        public String render(Duration value) {
            return Long.toString(value.toMillis());
        }
    };

    /** A YAML list, or one value, or a comma-separated string. */
    ConfigType<List<String>> STRING_LIST = new ConfigType<>() {
        @Override
        public List<String> parse(Object raw) {
            List<String> out = new ArrayList<>();
            if (raw instanceof List<?> list) {
                for (Object o : list) {
                    out.add(STRING.parse(o));
                }
            } else {
                for (String part : STRING.parse(raw).split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
            return List.copyOf(out);
        }

        @Override
        public String describe() {
            return "list";
        }

        @Override
        public String render(List<String> value) {
            return String.join(",", value);
        }
    };

    /**
     * A structured value (a YAML map or list) that the owning component parses itself, for
     * settings such as table mappings that do not fit a single scalar.
     */
    ConfigType<Object> STRUCTURED = new Simple<>("structured", raw -> raw);

    static <E extends Enum<E>> ConfigType<E> enumOf(Class<E> type) {
        return new ConfigType<>() {
            @Override
            public E parse(Object raw) {
                String s = raw.toString().trim();
                for (E e : type.getEnumConstants()) {
                    if (e.name().equalsIgnoreCase(s.replace('-', '_'))) {
                        return e;
                    }
                }
                throw new IllegalArgumentException("expected one of " + describe());
            }

            @Override
            public String describe() {
                List<String> names = new ArrayList<>();
                for (E e : type.getEnumConstants()) {
                    names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
                }
                return String.join("|", names);
            }

            @Override
            public String render(E value) {
                return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
            }
        };
    }

    private static long parseLong(Object raw) {
        if (raw instanceof Number n && !(raw instanceof Double) && !(raw instanceof Float)) {
            return n.longValue();
        }
        try {
            return Long.parseLong(raw.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number");
        }
    }

    /** A type defined by a name and a parse function. */
    record Simple<T>(String describe, java.util.function.Function<Object, T> parser) implements ConfigType<T> {
        @Override
        public T parse(Object raw) {
            return parser.apply(raw);
        }
    }
}
