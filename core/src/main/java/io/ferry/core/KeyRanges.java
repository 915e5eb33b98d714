package io.ferry.core;

import java.util.Arrays;

/**
 * etcd's key-range arithmetic. etcd orders keys as unsigned bytes, and so do PostgreSQL
 * {@code bytea}, MySQL {@code VARBINARY} and SQLite {@code BLOB}; every comparison in Ferry uses
 * that order, never a collation.
 */
public final class KeyRanges {

    /** etcd's "no end": a range end of a single NUL byte means "every key from the start on". */
    public static final byte[] ALL_KEYS_END = {0};

    private KeyRanges() {
    }

    /**
     * The exclusive end of the range of keys that start with {@code prefix}: the prefix with its
     * last byte below 0xFF incremented and the rest cut off, as {@code etcdctl get --prefix} does.
     * A prefix of only 0xFF bytes, or an empty one, has no end: {@link #ALL_KEYS_END}.
     */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return ALL_KEYS_END;
    }

    /** The smallest key greater than {@code key}: the key followed by a NUL byte. */
    public static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    /** Unsigned lexicographic order: etcd's order. */
    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** True when {@code key} lies in [{@code from}, {@code to}); an end of {@link #ALL_KEYS_END} means unbounded. */
    public static boolean inRange(byte[] key, byte[] from, byte[] to) {
        return compare(key, from) >= 0 && (Arrays.equals(to, ALL_KEYS_END) || compare(key, to) < 0);
    }
}
