package io.ferry.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Converts what a mapped column reads (a node of the decoded document, or a key segment's text) to
 * the Java value its {@link ColumnType} binds: String, Long, Double, Boolean, Instant, or JSON text.
 * A value that does not convert throws {@link IllegalArgumentException} whose message is what was
 * found; the caller names the table and column.
 */
final class ColumnValues {

    /** The earliest and latest instants every dialect's timestamp column holds. */
    private static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");
    /** How a timestamp is bound, in UTC: sortable as text (SQLite) and read by every dialect. */
    private static final DateTimeFormatter SQL_TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private ColumnValues() {
    }

    static Object of(ColumnType type, JsonNode node) {
        if (type == ColumnType.JSON) {
            return node.toString();
        }
        if (node.isTextual()) {
            return of(type, node.asText());
        }
        return switch (type) {
            case TEXT, JSON -> node.toString();
            case BIGINT -> require(node.isIntegralNumber() && node.canConvertToLong(), node).asLong();
            case DOUBLE -> require(node.isNumber(), node).asDouble();
            case BOOLEAN -> require(node.isBoolean(), node).asBoolean();
            case TIMESTAMP -> epochSeconds(require(node.isNumber(), node).decimalValue(), node.toString());
        };
    }

    private static JsonNode require(boolean fits, JsonNode node) {
        if (!fits) {
            throw new IllegalArgumentException(node.toString());
        }
        return node;
    }

    static Object of(ColumnType type, String text) {
        try {
            return switch (type) {
                case TEXT -> text;
                case BIGINT -> Long.parseLong(text);
                case DOUBLE -> Double.parseDouble(text);
                case BOOLEAN -> {
                    if (!text.equals("true") && !text.equals("false")) {
                        throw new NumberFormatException(text);
                    }
                    yield Boolean.parseBoolean(text);
                }
                case TIMESTAMP -> timestamp(text);
                case JSON -> TextNode.valueOf(text).toString();
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "'", e);
        }
    }

    /** RFC 3339 ({@code 2024-05-01T10:00:00Z}, fractions and offsets as Kubernetes and protobuf write them) or epoch seconds. */
    private static Instant timestamp(String text) {
        if (!text.isEmpty() && (Character.isDigit(text.charAt(text.length() - 1)) && text.indexOf(':') < 0)) {
            return epochSeconds(new BigDecimal(text), "'" + text + "'");
        }
        Instant t = OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        return inRange(t, "'" + text + "'");
    }

    private static Instant epochSeconds(BigDecimal seconds, String found) {
        try {
            BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
            int nanos = seconds.subtract(whole).movePointRight(9).intValue();
            return inRange(Instant.ofEpochSecond(whole.longValueExact(), nanos), found);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw new IllegalArgumentException(found + " (out of range)", e);
        }
    }

    private static Instant inRange(Instant t, String found) {
        if (t.isBefore(MIN) || t.isAfter(MAX)) {
            throw new IllegalArgumentException(found + " (outside the years 1 to 9999)");
        }
        return t;
    }

    /** A timestamp as bound to SQL: UTC, microseconds, {@code 2024-05-01 10:00:00.500000}. */
    static String sqlTimestamp(Instant t) {
        return SQL_TIMESTAMP.format(t);
    }

    /** The instant {@link #sqlTimestamp} wrote. */
    static Instant parseSqlTimestamp(String text) {
        return SQL_TIMESTAMP.parse(text, Instant::from);
    }

    /** Binds a value {@link #of} made to parameter {@code i}, NULL where it is null. */
    static void bind(PreparedStatement ps, int i, ColumnType type, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(i, switch (type) {
                case TEXT -> Types.VARCHAR;
                case BIGINT -> Types.BIGINT;
                case DOUBLE -> Types.DOUBLE;
                case BOOLEAN -> Types.BOOLEAN;
                case TIMESTAMP, JSON -> Types.VARCHAR;
            });
            return;
        }
        switch (type) {
            case TEXT, JSON -> ps.setString(i, (String) value);
            case TIMESTAMP -> ps.setString(i, ColumnValues.sqlTimestamp((Instant) value));
            case BIGINT -> ps.setLong(i, (Long) value);
            case DOUBLE -> ps.setDouble(i, (Double) value);
            case BOOLEAN -> ps.setBoolean(i, (Boolean) value);
        }
    }
}
