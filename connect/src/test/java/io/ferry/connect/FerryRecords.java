package io.ferry.connect;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.EventCodec;
import io.ferry.core.event.KeyValue;
import io.ferry.core.event.RecordConventions;
import io.ferry.core.event.Source;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Records of Ferry's change topic as a sink connector with ByteArrayConverter hands them to a
 * transform: the envelope bytes the watcher's codec writes and the headers the watcher adds.
 */
final class FerryRecords {

    static final String TOPIC = "ferry.changes";
    static final String CLUSTER = "cdf818194e3a8c32";
    static final long TS = 1763683200123L;
    private static final EventCodec CODEC = new EventCodec();

    private FerryRecords() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static KeyValue kv(byte[] key, byte[] value, long create, long mod, long version) {
        return new KeyValue(key, value, create, mod, version, 0);
    }

    static Source source(long revision, long epoch, boolean snapshot) {
        return new Source(CLUSTER, revision, epoch, snapshot);
    }

    /** The change record of {@code event} at {@code offset}, with the watcher's headers. */
    static SinkRecord change(ChangeEvent event, long offset) {
        return record(event.key(), CODEC.encode(event), offset,
                headers(RecordConventions.KIND_CHANGE, event.revision(), event.source().epoch(), true));
    }

    /** The null tombstone the watcher writes right after a delete. */
    static SinkRecord tombstone(ChangeEvent delete, long offset) {
        ConnectHeaders h = headers(RecordConventions.KIND_TOMBSTONE, delete.revision(), delete.source().epoch(), false);
        if (delete.source().reverse()) {
            h.addString(RecordConventions.REVERSE_HEADER, "true");
        }
        return record(delete.key(), null, offset, h);
    }

    static SinkRecord control(ControlRecord.Kind kind, int partition, long offset) {
        ControlRecord c = new ControlRecord(kind, CLUSTER, 1043, 1, partition, TS);
        return record(RecordConventions.controlKey(kind, partition), CODEC.encode(c), offset,
                headers(kind.wireName(), 1043, 1, true));
    }

    static SinkRecord record(byte[] key, byte[] value, long offset, ConnectHeaders headers) {
        return new SinkRecord(TOPIC, 0, Schema.OPTIONAL_BYTES_SCHEMA, key, Schema.OPTIONAL_BYTES_SCHEMA, value, offset,
                TS + 5, TimestampType.CREATE_TIME, headers);
    }

    static ConnectHeaders headers(String kind, long revision, long epoch, boolean envelope) {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(RecordConventions.KIND_HEADER, kind);
        h.addString(RecordConventions.REVISION_HEADER, Long.toString(revision));
        h.addString(RecordConventions.EPOCH_HEADER, Long.toString(epoch));
        if (envelope) {
            h.addString(RecordConventions.FORMAT_HEADER, RecordConventions.FORMAT_V1);
        }
        return h;
    }
}
