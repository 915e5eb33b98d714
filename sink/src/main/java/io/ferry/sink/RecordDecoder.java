package io.ferry.sink;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.Envelope;
import io.ferry.core.event.EventCodec;
import io.ferry.core.event.EventFormatException;
import io.ferry.core.event.Op;
import io.ferry.core.event.RecordConventions;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns one Kafka record into what the sink applies: a {@link RowChange} or a
 * {@link ControlRecord}. Everything that would fail in SQL for reasons of the data rather than
 * of the database (a key over the index limit, a value too large, an undecodable envelope) is
 * caught here, so the error can name the record.
 */
final class RecordDecoder {

    private final EventCodec codec = new EventCodec();
    private final int maxKeyBytes;
    private final int maxValueBytes;
    private final ValueMapper mapper;

    RecordDecoder(int maxKeyBytes, int maxValueBytes) {
        this(maxKeyBytes, maxValueBytes, java.util.List.of());
    }

    RecordDecoder(int maxKeyBytes, int maxValueBytes, java.util.List<TableMapping> mappings) {
        this.maxKeyBytes = maxKeyBytes;
        this.maxValueBytes = maxValueBytes;
        this.mapper = new ValueMapper(mappings);
    }

    /** Returns a {@link RowChange} or a {@link ControlRecord}. */
    Object decode(ConsumerRecord<byte[], byte[]> r, boolean inSnapshot) throws BadRecordException {
        if (r.value() == null) {
            return tombstone(r, inSnapshot);
        }
        Envelope envelope;
        try {
            envelope = codec.decode(r.value());
        } catch (EventFormatException e) {
            throw new BadRecordException("undecodable envelope: " + e.getMessage(), e);
        }
        if (envelope instanceof ControlRecord c) {
            return c;
        }
        ChangeEvent e = (ChangeEvent) envelope;
        checkKey(e.key());
        if (e.op() == Op.DELETE) {
            return RowChange.delete(r.partition(), r.offset(), e.key(), e.revision(), inSnapshot, e.tsMs(), e.source().reverse());
        }
        if (e.after().value().length > maxValueBytes) {
            throw new BadRecordException("value of " + e.after().value().length + " bytes is over sink.value.max.bytes ("
                    + maxValueBytes + ")");
        }
        boolean repair = "true".equals(text(r, RecordConventions.REPAIR_HEADER));
        var kv = e.after();
        long progress = e.op() == Op.READ || repair ? -1 : e.source().revision();
        return new RowChange(r.partition(), r.offset(), e.key(), kv.value(), kv.createRevision(), kv.modRevision(),
                kv.version(), kv.lease(), repair, inSnapshot, e.tsMs(), mapper.map(e.key(), kv.value()), progress,
                e.source().reverse());
    }

    /**
     * A null value: after log compaction it may be all that is left of a delete, so it is applied
     * as a delete at the revision its header carries.
     */
    private RowChange tombstone(ConsumerRecord<byte[], byte[]> r, boolean inSnapshot) throws BadRecordException {
        if (r.key() == null) {
            throw new BadRecordException("null value with a null key: neither a change nor a tombstone");
        }
        String revision = text(r, RecordConventions.REVISION_HEADER);
        if (revision == null) {
            throw new BadRecordException("tombstone without a " + RecordConventions.REVISION_HEADER + " header");
        }
        checkKey(r.key());
        try {
            return RowChange.delete(r.partition(), r.offset(), r.key(), Long.parseLong(revision), inSnapshot, r.timestamp(),
                    "true".equals(text(r, RecordConventions.REVERSE_HEADER)));
        } catch (NumberFormatException e) {
            throw new BadRecordException("tombstone with a non-numeric " + RecordConventions.REVISION_HEADER
                    + " header '" + revision + "'", e);
        }
    }

    private void checkKey(byte[] key) throws BadRecordException {
        if (key.length > maxKeyBytes) {
            throw new BadRecordException("key of " + key.length + " bytes is over this database's index limit of "
                    + maxKeyBytes + " bytes");
        }
    }

    private static String text(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
