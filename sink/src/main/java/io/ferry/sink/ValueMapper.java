package io.ferry.sink;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.event.Bytes;
import io.ferry.values.DecodeResult;
import java.util.List;

/**
 * Turns a key, its lease and its value into a mapped row. The value goes through the mapping's
 * decoder chain (JSON when it has none) to a document that the JSON pointers and the {@code doc}
 * column read. A value that does not decode, or a field that does not convert to its column's type,
 * is a mismatch: bad input, which halts the partition (or goes to the dead-letter topic) like any
 * other record that cannot be applied. Its reason is the decoder's category and reason, never the
 * value's bytes (nor, when the chain decrypts, the field that did not convert). A pointer that
 * finds nothing gives NULL.
 */
final class ValueMapper {

    private final List<TableMapping> mappings;

    ValueMapper(List<TableMapping> mappings) {
        this.mappings = mappings;
    }

    /** The mapped row of a put, or null when no mapping covers the key. */
    MappedRow map(byte[] key, byte[] value, long lease) throws BadRecordException {
        for (TableMapping m : mappings) {
            if (m.matches(key)) {
                return map(m, key, value, lease);
            }
        }
        return null;
    }

    private MappedRow map(TableMapping m, byte[] key, byte[] value, long lease) throws BadRecordException {
        JsonNode root = null;
        if (m.readsValue()) {
            DecodeResult decoded = m.decoder().decode(value);
            if (!decoded.ok()) {
                // Nothing dropped: the raw bytes still reach the generic table, and the failure is recorded beside them.
                return MappedRow.undecoded(m, decoded.failure().tag(), decoded.reason());
            }
            root = decoded.document();
        }
        String[] segments = null;
        Object[] values = new Object[m.columns().size()];
        for (int i = 0; i < values.length; i++) {
            TableMapping.MappedColumn c = m.columns().get(i);
            try {
                switch (c.source()) {
                    case KEY -> {
                        if (segments == null) {
                            segments = segments(m, key);
                        }
                        values[i] = c.keySegment() < segments.length ? ColumnValues.of(c.type(), segments[c.keySegment()]) : null;
                    }
                    case LEASE -> values[i] = lease == 0 ? null : ColumnValues.of(c.type(), Long.toString(lease));
                    case VALUE -> {
                        JsonNode node = root.at(c.pointer());
                        values[i] = node.isMissingNode() || node.isNull() ? null : ColumnValues.of(c.type(), node);
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new BadRecordException("value does not match mapping to table " + m.table() + ": column " + c.name()
                        + " (" + c.type().label() + ") from " + c.from() + " found "
                        + (c.source() == TableMapping.Source.VALUE && m.decoder().decrypts()
                                ? "a value that does not convert (not shown: it was decrypted)" : e.getMessage()));
            }
        }
        return new MappedRow(m, values, m.json() ? root.toString() : null);
    }

    private static String[] segments(TableMapping m, byte[] key) throws BadRecordException {
        String k = Bytes.strictUtf8OrNull(key);
        if (k == null) {
            throw new BadRecordException("key is not UTF-8, so mapping to table " + m.table() + " cannot split it into segments");
        }
        return k.split("/", -1);
    }
}
