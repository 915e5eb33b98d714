package io.ferry.core.event;

/** The kind of change an event describes, with Debezium's one-letter codes. */
public enum Op {
    /** A put that created the key (etcd {@code version == 1}). */
    CREATE("c"),
    /** A put to a key that already existed. */
    UPDATE("u"),
    /** A delete; {@code after} is null and the revision is the delete's revision. */
    DELETE("d"),
    /** A key read by a snapshot at a fixed revision. */
    READ("r");

    private final String code;

    Op(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Op fromCode(String code) {
        for (Op op : values()) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown op '" + code + "', expected one of c, u, d, r");
    }
}
