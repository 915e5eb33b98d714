package io.ferry.reconciler.sql;

import java.util.Arrays;

/**
 * The row count and SHA-256 of one key range, as {@link io.ferry.reconciler.RowHasher} defines it.
 *
 * @param rows number of rows in the range
 * @param sha256 digest of the rows in key order
 */
public record RangeHash(long rows, byte[] sha256) {

    public boolean sameAs(RangeHash o) {
        return rows == o.rows && Arrays.equals(sha256, o.sha256);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeHash h && sameAs(h);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }
}
