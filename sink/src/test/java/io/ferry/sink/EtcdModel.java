package io.ferry.sink;

import io.ferry.core.event.KeyValue;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What etcd would hold: revisions, create revisions and versions as etcd assigns them, so a test
 * knows the exact state the sink must reach.
 */
final class EtcdModel {

    private final Map<ByteBuffer, KeyValue> live = new java.util.HashMap<>();
    /** Every change in revision order: a put's key-value, or a delete as a key-value with a null value. */
    private final java.util.List<Object[]> history = new java.util.ArrayList<>();
    private long revision;

    EtcdModel(long startRevision) {
        this.revision = startRevision;
    }

    KeyValue put(byte[] key, byte[] value) {
        revision++;
        KeyValue old = live.get(ByteBuffer.wrap(key));
        KeyValue kv = new KeyValue(key, value, old == null ? revision : old.createRevision(), revision,
                old == null ? 1 : old.version() + 1, 0);
        live.put(ByteBuffer.wrap(key), kv);
        history.add(new Object[] {revision, key, kv});
        return kv;
    }

    /** Returns the delete's revision, or -1 when the key does not exist (etcd writes no event then). */
    long delete(byte[] key) {
        if (live.remove(ByteBuffer.wrap(key)) == null) {
            return -1;
        }
        history.add(new Object[] {++revision, key, null});
        return revision;
    }

    /** The live keys at {@code atRevision}, as etcd would have answered a range at that revision. */
    Map<ByteBuffer, KeyValue> stateAt(long atRevision) {
        Map<ByteBuffer, KeyValue> state = new java.util.HashMap<>();
        for (Object[] h : history) {
            if ((long) h[0] > atRevision) {
                break;
            }
            if (h[2] == null) {
                state.remove(ByteBuffer.wrap((byte[]) h[1]));
            } else {
                state.put(ByteBuffer.wrap((byte[]) h[1]), (KeyValue) h[2]);
            }
        }
        return state;
    }

    /** Every key ever written. */
    java.util.Set<ByteBuffer> keys() {
        java.util.Set<ByteBuffer> keys = new java.util.HashSet<>();
        history.forEach(h -> keys.add(ByteBuffer.wrap((byte[]) h[1])));
        return keys;
    }

    boolean exists(byte[] key) {
        return live.containsKey(ByteBuffer.wrap(key));
    }

    KeyValue get(byte[] key) {
        return live.get(ByteBuffer.wrap(key));
    }

    long revision() {
        return revision;
    }

    java.util.Collection<KeyValue> all() {
        return live.values();
    }

    /** The expected table, in the form {@link SinkRows#read} returns. */
    Map<String, String> expected() {
        Map<String, String> out = new TreeMap<>();
        for (KeyValue kv : live.values()) {
            out.put(HexFormat.of().formatHex(kv.key()), SinkRows.describe(kv.value(), kv.createRevision(),
                    kv.modRevision(), kv.version(), kv.lease()));
        }
        return out;
    }
}
