package io.ferry.core.event;

import java.util.Objects;

/**
 * A Debezium-style change event for one etcd key: the unit the watcher produces and the sink
 * applies. See {@code docs/event-format.md} for the JSON form.
 *
 * @param op what happened
 * @param key the etcd key; always present, also for deletes
 * @param before the previous key-value when the watcher runs with prev-kv, else null
 * @param after the new key-value; null for deletes
 * @param source origin and revision
 * @param tsMs when the watcher observed the change, in epoch milliseconds
 */
public record ChangeEvent(Op op, byte[] key, KeyValue before, KeyValue after, Source source, long tsMs) implements Envelope {

    public ChangeEvent {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        if (op == Op.DELETE && after != null) {
            throw new IllegalArgumentException("a delete event has no 'after'");
        }
        if (op != Op.DELETE && after == null) {
            throw new IllegalArgumentException("a '" + op.code() + "' event needs 'after'");
        }
    }

    /** The revision this event brings the key to: the put's mod_revision or the delete's revision. */
    public long revision() {
        return after != null ? after.modRevision() : source.revision();
    }

    /** A put seen by the watch ({@code c} or {@code u}) for the given key-value. */
    public static ChangeEvent put(KeyValue after, KeyValue before, Source source, long tsMs) {
        Op op = after.version() == 1 ? Op.CREATE : Op.UPDATE;
        return new ChangeEvent(op, after.key(), before, after, source, tsMs);
    }

    /** A snapshot read ({@code r}). */
    public static ChangeEvent read(KeyValue kv, Source source, long tsMs) {
        return new ChangeEvent(Op.READ, kv.key(), null, kv, source, tsMs);
    }

    /** A delete ({@code d}) at {@code source.revision()}. */
    public static ChangeEvent delete(byte[] key, KeyValue before, Source source, long tsMs) {
        return new ChangeEvent(Op.DELETE, key, before, null, source, tsMs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeEvent e
                && op == e.op
                && java.util.Arrays.equals(key, e.key)
                && Objects.equals(before, e.before)
                && Objects.equals(after, e.after)
                && source.equals(e.source)
                && tsMs == e.tsMs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, java.util.Arrays.hashCode(key), before, after, source, tsMs);
    }

    @Override
    public String toString() {
        return "ChangeEvent[op=" + op.code() + ", key=" + Bytes.printable(key) + ", revision=" + revision()
                + ", epoch=" + source.epoch() + ", snapshot=" + source.snapshot() + "]";
    }
}
