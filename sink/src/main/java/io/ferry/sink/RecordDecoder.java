package io.ferry.sink;

import io.ferry.clients.RecordSigner;
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
 *
 * <p>With {@code signing.key} set, a record is checked before anything else: one that is unsigned
 * (unless {@code signing.accept.unsigned}), signed with an unknown key, or not the record that was
 * signed is bad input, never applied. Used by the sink's consumer thread only.
 */
final class RecordDecoder {

    private final EventCodec codec = new EventCodec();
    private final int maxKeyBytes;
    private final int maxValueBytes;
    private final ValueMapper mapper;
    private final RecordSigner signer;
    private final StatementLimit statementLimit;

    RecordDecoder(int maxKeyBytes, int maxValueBytes) {
        this(maxKeyBytes, maxValueBytes, java.util.List.of(), null, StatementLimit.NONE);
    }

    /**
     * @param signer checks every record's signature; null when signing is off
     * @param statementLimit the largest row the database takes in one statement
     */
    RecordDecoder(int maxKeyBytes, int maxValueBytes, java.util.List<TableMapping> mappings, RecordSigner signer,
                  StatementLimit statementLimit) {
        this.maxKeyBytes = maxKeyBytes;
        this.maxValueBytes = maxValueBytes;
        this.mapper = new ValueMapper(mappings);
        this.signer = signer;
        this.statementLimit = statementLimit;
    }

    /** Returns a {@link RowChange} or a {@link ControlRecord}. */
    Object decode(ConsumerRecord<byte[], byte[]> r, boolean inSnapshot) throws BadRecordException {
        checkSignature(r);
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
        boolean repair = "true".equals(text(r, RecordConventions.REPAIR_HEADER));
        if (e.op() == Op.DELETE) {
            return RowChange.delete(r.partition(), r.offset(), e.key(), e.revision(), inSnapshot, e.tsMs(), e.source().reverse(),
                    repair ? new Unpin(e.revision() - 1, e.revision(), replaces(r)) : null);
        }
        if (e.after().value().length > maxValueBytes) {
            throw new BadRecordException("value of " + e.after().value().length + " bytes is over sink.value.max.bytes ("
                    + maxValueBytes + ")");
        }
        var kv = e.after();
        long progress = e.op() == Op.READ || repair ? -1 : e.source().revision();
        // A repair read etcd at source.revision and found the key at its mod_revision.
        Unpin unpin = null;
        if (repair) {
            long through = Math.max(kv.modRevision(), e.source().revision());
            long replaces = replaces(r);
            unpin = through > kv.modRevision() || replaces > 0 ? new Unpin(kv.modRevision(), through, replaces) : null;
        }
        MappedRow mapped = mapper.map(e.key(), kv.value(), kv.lease());
        if (statementLimit.bounded()) {
            statementLimit.check(rowBytes(e.key(), kv.value(), mapped));
        }
        return new RowChange(r.partition(), r.offset(), e.key(), kv.value(), kv.createRevision(), kv.modRevision(),
                kv.version(), kv.lease(), repair, inSnapshot, e.tsMs(), mapped, progress, e.source().reverse(), unpin);
    }

    /** The bytes a put's row sends: key and value, and a mapped row's text columns and document as UTF-8. */
    private static long rowBytes(byte[] key, byte[] value, MappedRow mapped) {
        long bytes = (long) key.length + value.length;
        if (mapped != null && mapped.decoded()) {
            for (Object v : mapped.values()) {
                bytes += v instanceof String text ? utf8Length(text) : Long.BYTES;
            }
            bytes += mapped.doc() == null ? 0 : utf8Length(mapped.doc());
        }
        return bytes;
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3; // a surrogate pair is 4
        }
        return bytes;
    }

    private void checkSignature(ConsumerRecord<byte[], byte[]> r) throws BadRecordException {
        if (signer == null) {
            return;
        }
        switch (signer.check(r.topic(), r.partition(), r.key(), r.value(), r.headers())) {
            case VALID -> { }
            case UNSIGNED -> {
                if (!signer.acceptsUnsigned()) {
                    throw BadRecordException.signature("unsigned", "the record is not signed, and with signing.key set only "
                            + "records signed by Ferry's watcher or repair are applied: someone else wrote it to the topic "
                            + "(docs/security.md)");
                }
            }
            case UNKNOWN_KEY -> throw BadRecordException.signature("unknown_key", "the record is signed with key "
                    + RecordSigner.keyIdOf(r.headers()) + ", which this sink does not hold (its signing key is "
                    + signer.keyId() + "): during a key rotation give the sink the earlier key too (signing.verify.keys), "
                    + "otherwise find out who wrote it");
            case INVALID -> throw BadRecordException.signature("invalid", "the record's ferry.signature does not match it: "
                    + "it was forged, or altered or copied from another topic or partition after it was signed");
        }
    }

    /** The {@code ferry.replaces} revision of a repair record, or 0. */
    private static long replaces(ConsumerRecord<byte[], byte[]> r) throws BadRecordException {
        String text = text(r, RecordConventions.REPLACES_HEADER);
        if (text == null) {
            return 0;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BadRecordException("repair record with a non-numeric " + RecordConventions.REPLACES_HEADER + " header '"
                    + text + "'", e);
        }
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
            long at = Long.parseLong(revision);
            boolean repair = "true".equals(text(r, RecordConventions.REPAIR_HEADER));
            return RowChange.delete(r.partition(), r.offset(), r.key(), at, inSnapshot, r.timestamp(),
                    "true".equals(text(r, RecordConventions.REVERSE_HEADER)), repair ? new Unpin(at - 1, at, replaces(r)) : null);
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
