package io.ferry.sink;

import java.util.Locale;

/** SQL types a mapped column may have; each dialect names its own equivalent. */
public enum ColumnType {
    TEXT, BIGINT, DOUBLE, BOOLEAN,
    /** An instant, stored in UTC: RFC 3339 text (as Kubernetes and protobuf write times) or epoch seconds. */
    TIMESTAMP,
    /** A sub-document of the value, kept as JSON ({@code jsonb} on PostgreSQL). */
    JSON;

    static ColumnType parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("jsonb")) {
            return JSON;
        }
        try {
            return valueOf(n.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown column type '" + name + "', expected text, bigint, double, boolean, "
                    + "timestamp or json (jsonb)", e);
        }
    }

    /** The name as written in the configuration. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
