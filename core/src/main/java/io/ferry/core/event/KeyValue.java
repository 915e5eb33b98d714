package io.ferry.core.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * One etcd key-value pair as etcd reports it. Key and value are arbitrary bytes and are never
 * interpreted as text here.
 *
 * @param key etcd key bytes
 * @param value etcd value bytes; empty, never null
 * @param createRevision revision at which the key was created
 * @param modRevision revision of the last change to the key
 * @param version number of changes since creation (restarts at 1 after a delete)
 * @param lease lease id the key is bound to, 0 for none
 */
public record KeyValue(byte[] key, byte[] value, long createRevision, long modRevision, long version, long lease) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv
                && Arrays.equals(key, kv.key)
                && Arrays.equals(value, kv.value)
                && createRevision == kv.createRevision
                && modRevision == kv.modRevision
                && version == kv.version
                && lease == kv.lease;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), createRevision, modRevision, version, lease);
    }

    @Override
    public String toString() {
        return "KeyValue[key=" + Bytes.printable(key) + ", value=" + value.length + " bytes, create_revision="
                + createRevision + ", mod_revision=" + modRevision + ", version=" + version + ", lease=" + lease + "]";
    }
}
