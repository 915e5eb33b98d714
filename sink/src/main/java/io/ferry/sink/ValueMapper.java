package io.ferry.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.Bytes;
import java.util.List;

/**
 * Turns a key and its JSON value into a mapped row. A value that is not JSON, or a field that does
 * not convert to its column's type, is a mismatch: bad input, which halts the partition (or goes
 * to the dead-letter topic) like any other record that cannot be applied. A pointer that finds
 * nothing gives NULL.
 */
final class ValueMapper {

    private final ObjectMapper json = new ObjectMapper();
    private final List<TableMapping> mappings;

    ValueMapper(List<TableMapping> mappings) {
        this.mappings = mappings;
    }

    /** The mapped row of a put, or null when no mapping covers the key. */
    MappedRow map(byte[] key, byte[] value) throws BadRecordException {
        for (TableMapping m : mappings) {
            if (m.matches(key)) {
                return map(m, key, value);
            }
        }
        return null;
    }

    private MappedRow map(TableMapping m, byte[] key, byte[] value) throws BadRecordException {
        JsonNode root = null;
        if (m.json() || m.columns().stream().anyMatch(c -> c.pointer() != null)) {
            try {
                root = json.readTree(value);
            } catch (java.io.IOException e) {
                throw new BadRecordException("value does not match mapping to table " + m.table() + ": not JSON ("
                        + Bytes.printable(java.util.Arrays.copyOf(value, Math.min(value.length, 40))) + ")", e);
            }
            if (root == null || root.isMissingNode()) {
                throw new BadRecordException("value does not match mapping to table " + m.table() + ": empty value");
            }
        }
        String[] segments = null;
        Object[] values = new Object[m.columns().size()];
        for (int i = 0; i < values.length; i++) {
            TableMapping.MappedColumn c = m.columns().get(i);
            String text;
            if (c.keySegment() >= 0) {
                if (segments == null) {
                    String k = Bytes.strictUtf8OrNull(key);
                    if (k == null) {
                        throw new BadRecordException("key is not UTF-8, so mapping to table " + m.table()
                                + " cannot split it into segments");
                    }
                    segments = k.split("/", -1);
                }
                text = c.keySegment() < segments.length ? segments[c.keySegment()] : null;
                values[i] = text == null ? null : convert(m, c, text);
            } else {
                JsonNode node = root.at(c.pointer());
                values[i] = node.isMissingNode() || node.isNull() ? null : convert(m, c, node);
            }
        }
        return new MappedRow(m, values, m.json() ? root.toString() : null);
    }

    private static Object convert(TableMapping m, TableMapping.MappedColumn c, JsonNode node) throws BadRecordException {
        if (c.type() == ColumnType.TEXT) {
            return node.isTextual() ? node.asText() : node.toString();
        }
        if (node.isTextual()) {
            return convert(m, c, node.asText());
        }
        boolean ok = switch (c.type()) {
            case BIGINT -> node.canConvertToLong() && node.isIntegralNumber();
            case DOUBLE -> node.isNumber();
            case BOOLEAN -> node.isBoolean();
            default -> true;
        };
        if (!ok) {
            throw mismatch(m, c, node.toString());
        }
        return switch (c.type()) {
            case BIGINT -> node.asLong();
            case DOUBLE -> node.asDouble();
            case BOOLEAN -> node.asBoolean();
            default -> node.asText();
        };
    }

    private static Object convert(TableMapping m, TableMapping.MappedColumn c, String text) throws BadRecordException {
        try {
            return switch (c.type()) {
                case TEXT -> text;
                case BIGINT -> Long.parseLong(text);
                case DOUBLE -> Double.parseDouble(text);
                case BOOLEAN -> {
                    if (!text.equals("true") && !text.equals("false")) {
                        throw new NumberFormatException(text);
                    }
                    yield Boolean.parseBoolean(text);
                }
            };
        } catch (NumberFormatException e) {
            throw mismatch(m, c, "'" + text + "'");
        }
    }

    private static BadRecordException mismatch(TableMapping m, TableMapping.MappedColumn c, String found) {
        return new BadRecordException("value does not match mapping to table " + m.table() + ": column " + c.name()
                + " (" + c.type().name().toLowerCase(java.util.Locale.ROOT) + ") from "
                + (c.pointer() != null ? c.pointer() : "key:" + c.keySegment()) + " found " + found);
    }
}
