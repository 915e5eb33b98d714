package io.ferry.bench;

import java.nio.charset.StandardCharsets;

/**
 * Key and value bytes of a load: {@code prefix + zero-padded index}, or with binary keys
 * {@code prefix + 0xFF 0x00 + index as 4 big-endian bytes}, which is not UTF-8 and carries a NUL,
 * so the envelope's base64 path and the byte-exact key columns are exercised. Values are
 * printable ASCII that changes with every write, so each write really changes the row.
 */
final class KeySpace {

    private final byte[] prefix;
    private final boolean binary;
    private final int valueBytes;

    KeySpace(String prefix, boolean binary, int valueBytes) {
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.binary = binary;
        this.valueBytes = valueBytes;
    }

    byte[] key(int index) {
        if (binary) {
            byte[] k = new byte[prefix.length + 6];
            System.arraycopy(prefix, 0, k, 0, prefix.length);
            int p = prefix.length;
            k[p] = (byte) 0xFF;
            k[p + 1] = 0;
            k[p + 2] = (byte) (index >>> 24);
            k[p + 3] = (byte) (index >>> 16);
            k[p + 4] = (byte) (index >>> 8);
            k[p + 5] = (byte) index;
            return k;
        }
        byte[] digits = String.format("%09d", index).getBytes(StandardCharsets.US_ASCII);
        byte[] k = new byte[prefix.length + digits.length];
        System.arraycopy(prefix, 0, k, 0, prefix.length);
        System.arraycopy(digits, 0, k, prefix.length, digits.length);
        return k;
    }

    /** A value of the configured size whose bytes depend on {@code serial}. */
    byte[] value(long serial) {
        byte[] v = new byte[valueBytes];
        long x = serial * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < v.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            v[i] = (byte) ('a' + (int) ((x >>> 33) % 26));
        }
        return v;
    }
}
