package io.ferry.sink;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.EventCodec;
import io.ferry.core.event.KeyValue;
import io.ferry.core.event.RecordConventions;
import io.ferry.core.event.Source;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/** Builds consumer records as the watcher writes them, for unit tests. */
final class Records {

    static final String TOPIC = "t";
    private static final EventCodec CODEC = new EventCodec();

    private Records() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static ConsumerRecord<byte[], byte[]> put(int partition, long offset, String key, String value, long revision) {
        KeyValue kv = new KeyValue(bytes(key), bytes(value), revision, revision, 1, 0);
        return record(partition, offset, kv.key(), CODEC.encode(ChangeEvent.put(kv, null,
                new Source("c", revision, 1, false), 1000)), RecordConventions.KIND_CHANGE, revision);
    }

    static ConsumerRecord<byte[], byte[]> read(int partition, long offset, String key, long modRevision, long snapshot) {
        KeyValue kv = new KeyValue(bytes(key), bytes("v"), modRevision, modRevision, 1, 0);
        return record(partition, offset, kv.key(), CODEC.encode(ChangeEvent.read(kv, new Source("c", snapshot, 1, true), 1000)),
                RecordConventions.KIND_CHANGE, modRevision);
    }

    static ConsumerRecord<byte[], byte[]> tombstone(int partition, long offset, String key, long revision) {
        return record(partition, offset, bytes(key), null, RecordConventions.KIND_TOMBSTONE, revision);
    }

    static ConsumerRecord<byte[], byte[]> control(int partition, long offset, ControlRecord.Kind kind, long epoch,
                                                  long revision) {
        return record(partition, offset, RecordConventions.controlKey(kind, partition),
                CODEC.encode(new ControlRecord(kind, "c", revision, epoch, partition, 1000)), kind.wireName(), revision);
    }

    static ConsumerRecord<byte[], byte[]> record(int partition, long offset, byte[] key, byte[] value, String kind,
                                                 long revision) {
        RecordHeaders h = new RecordHeaders();
        h.add(RecordConventions.KIND_HEADER, RecordConventions.header(kind));
        h.add(RecordConventions.REVISION_HEADER, RecordConventions.header(revision));
        return new ConsumerRecord<>(TOPIC, partition, offset, 1000L, TimestampType.CREATE_TIME, -1, -1, key, value, h,
                Optional.empty());
    }
}
