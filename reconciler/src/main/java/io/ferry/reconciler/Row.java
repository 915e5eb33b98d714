package io.ferry.reconciler;

import java.util.Arrays;

/**
 * One key as either side holds it, with every column the comparison covers.
 *
 * @param key key bytes
 * @param value value bytes
 * @param createRevision etcd create_revision
 * @param modRevision etcd mod_revision
 * @param version etcd version
 * @param lease etcd lease id
 */
public record Row(byte[] key, byte[] value, long createRevision, long modRevision, long version, long lease) {

    /** Same key, bytes and etcd metadata. */
    public boolean sameContent(Row o) {
        return Arrays.equals(key, o.key) && Arrays.equals(value, o.value) && createRevision == o.createRevision
                && modRevision == o.modRevision && version == o.version && lease == o.lease;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && sameContent(r);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }
}
