package io.ferry.sink;

import java.util.Locale;

/** SQL types a mapped column may have; each dialect names its own equivalent. */
public enum ColumnType {
    TEXT, BIGINT, DOUBLE, BOOLEAN;

    static ColumnType parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown column type '" + name + "', expected text, bigint, double or boolean", e);
        }
    }
}
