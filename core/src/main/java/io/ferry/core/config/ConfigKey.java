package io.ferry.core.config;

import java.util.Objects;

/**
 * One configuration key, declared once with its type, default, documentation and validator.
 * {@code docs/configuration.md} is generated from these declarations.
 *
 * @param <T> the value type
 */
public final class ConfigKey<T> {

    private final String name;
    private final ConfigType<T> type;
    private final T defaultValue;
    private final boolean required;
    private final boolean secret;
    private final String doc;
    private final Validator<T> validator;

    private ConfigKey(Builder<T> b) {
        this.name = b.name;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.required = b.required;
        this.secret = b.secret;
        this.doc = Objects.requireNonNull(b.doc, "every key needs a doc: " + b.name);
        this.validator = b.validator;
    }

    public static <T> Builder<T> builder(String name, ConfigType<T> type) {
        return new Builder<>(name, type);
    }

    public String name() {
        return name;
    }

    public ConfigType<T> type() {
        return type;
    }

    /** The default, or null when the key is required or optional without a default. */
    public T defaultValue() {
        return defaultValue;
    }

    public boolean required() {
        return required;
    }

    /** Secret values are masked wherever configuration is logged or printed. */
    public boolean secret() {
        return secret;
    }

    public String doc() {
        return doc;
    }

    Validator<T> validator() {
        return validator;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Fluent construction of a {@link ConfigKey}. */
    public static final class Builder<T> {
        private final String name;
        private final ConfigType<T> type;
        private T defaultValue;
        private boolean required;
        private boolean secret;
        private String doc;
        private Validator<T> validator = Validator.none();

        private Builder(String name, ConfigType<T> type) {
            this.name = Objects.requireNonNull(name);
            this.type = Objects.requireNonNull(type);
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = value;
            return this;
        }

        public Builder<T> required() {
            this.required = true;
            return this;
        }

        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        public Builder<T> doc(String doc) {
            this.doc = doc;
            return this;
        }

        public Builder<T> validator(Validator<T> validator) {
            this.validator = validator;
            return this;
        }

        public ConfigKey<T> build() {
            return new ConfigKey<>(this);
        }
    }
}
