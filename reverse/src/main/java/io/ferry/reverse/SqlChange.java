package io.ferry.reverse;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * One row change of the generic table as Debezium captured it, reduced to what etcd needs: the
 * key, the new value (null for a delete), the change's place in the database's log, and the
 * connector's offset for resuming right after it.
 *
 * @param key the row's {@code key}
 * @param value the row's new {@code value}, or null when the row was deleted
 * @param order where the change lies in the database's commit order (see {@link LogOrder})
 * @param partition Debezium's source partition
 * @param offset Debezium's source offset of this change
 */
record SqlChange(byte[] key, byte[] value, long[] order, Map<String, ?> partition, Map<String, ?> offset) {

    boolean isDelete() {
        return value == null;
    }

    /**
     * The change a Debezium record carries, or empty for what is not a row change: a tombstone
     * (Debezium follows each delete with one), a heartbeat, a schema change.
     */
    static Optional<SqlChange> of(SourceRecord r) {
        if (!(r.value() instanceof Struct envelope) || envelope.schema().field("op") == null) {
            return Optional.empty();
        }
        String op = envelope.getString("op");
        Struct source = envelope.getStruct("source");
        long[] order = LogOrder.of(source);
        return switch (op) {
            case "c", "u", "r" -> {
                Struct after = envelope.getStruct("after");
                yield Optional.of(new SqlChange(bytes(after, "key"), bytes(after, "value"), order, r.sourcePartition(),
                        r.sourceOffset()));
            }
            case "d" -> Optional.of(new SqlChange(bytes(envelope.getStruct("before"), "key"), null, order,
                    r.sourcePartition(), r.sourceOffset()));
            default -> Optional.empty(); // "t" (truncate) is refused by ReverseWriter before it gets here
        };
    }

    private static byte[] bytes(Struct row, String column) {
        Object v = row.get(column);
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof ByteBuffer buffer) {
            byte[] b = new byte[buffer.remaining()];
            buffer.duplicate().get(b);
            return b;
        }
        throw new IllegalStateException("column " + column + " arrived as " + (v == null ? "null" : v.getClass().getName())
                + ", not bytes: is binary.handling.mode still 'bytes'?");
    }
}
