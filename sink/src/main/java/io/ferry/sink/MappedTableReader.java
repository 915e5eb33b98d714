package io.ferry.sink;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.SinkConfig;
import io.ferry.core.mapped.MappedTable;
import io.ferry.state.DecodeFailuresTable;
import io.ferry.state.StateSql;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One mapped table as the reconciler checks it ({@link MappedTable}): the row a key-value of etcd projects to, through the very mapping,
 * decoders and conversions the sink applies, and the rows the table holds, both as cells of text that are equal exactly
 * when the sink would have written that row. The cells are the row's revision, its columns in order, then its doc.
 * Each database returns a timestamp or a JSON document in its own form; the cells are canonical (an instant in UTC to
 * the microsecond the columns keep, JSON with sorted keys and plain numbers), so no database's form shows as a
 * difference.
 */
public final class MappedTableReader implements MappedTable {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final TableMapping mapping;
    private final ValueMapper mapper;
    private final JdbcTarget.Kind kind;
    private final Connection connection;
    private final StateSql state;
    private final DecodeFailuresTable failures;

    private MappedTableReader(TableMapping mapping, ValueMapper mapper, JdbcTarget.Kind kind, Connection connection) {
        this.mapping = mapping;
        this.mapper = mapper;
        this.kind = kind;
        this.connection = connection;
        this.state = new StateSql(kind);
        this.failures = new DecodeFailuresTable(kind);
    }

    /** Whether {@code sink.mappings} declares any mapped table. */
    public static boolean any(SinkConfig sink) {
        return sink.mappings() != null && !MappingParser.parse(sink.mappings()).isEmpty();
    }

    /** Every mapped table of {@code sink.mappings}, in the order the sink tries them, read on {@code connection}. */
    public static List<MappedTable> of(SinkConfig sink, JdbcTarget.Kind kind, Connection connection) {
        List<TableMapping> mappings = MappingParser.parse(sink.mappings());
        // One mapper for all: a key under two prefixes goes to the first mapping, as in the sink.
        ValueMapper mapper = new ValueMapper(mappings);
        return mappings.stream().map(m -> (MappedTable) new MappedTableReader(m, mapper, kind, connection)).toList();
    }

    @Override
    public String table() {
        return mapping.table();
    }

    @Override
    public byte[] prefix() {
        return mapping.prefix().clone();
    }

    /**
     * The row the sink writes here for this key-value: none when the value does not convert to a column's type (a bad
     * record, which the sink halts on or dead-letters) or the key belongs to an earlier mapping; undecodable when the
     * value does not decode (the sink lists it in ferry_decode_failures).
     */
    @Override
    public Projection project(byte[] key, byte[] value, long lease, long modRevision) {
        MappedRow row;
        try {
            row = mapper.map(key, value, lease);
        } catch (BadRecordException e) {
            return Projection.none();
        }
        if (row == null || row.mapping() != mapping) {
            return Projection.none();
        }
        if (!row.decoded()) {
            return Projection.undecodable(row.failureTag());
        }
        List<String> cells = new ArrayList<>();
        cells.add(Long.toString(modRevision));
        for (int i = 0; i < mapping.columns().size(); i++) {
            cells.add(cell(mapping.columns().get(i).type(), row.values()[i]));
        }
        if (mapping.json()) {
            cells.add(canonicalJson(row.doc()));
        }
        return Projection.row(cells);
    }

    /**
     * The table's rows with {@code from <= key < to} ({@code to} {@link io.ferry.core.KeyRanges#ALL_KEYS_END}: no upper
     * bound), in key order (bytewise, as etcd orders keys). The caller bounds the range, so the rows fit in memory.
     */
    @Override
    public List<Stored> read(byte[] from, byte[] to) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(state.quote("key")).append(", ")
                .append(state.quote("mod_revision"));
        mapping.columns().forEach(col -> sql.append(", ").append(state.quote(col.name())));
        if (mapping.json()) {
            sql.append(", ").append(state.quote(TableMapping.DOC));
        }
        sql.append(" FROM ").append(state.quote(mapping.table())).append(" WHERE ").append(state.keyRange("key", to))
                .append(" ORDER BY ").append(state.quote("key"));
        List<Stored> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            StateSql.bindKeyRange(ps, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> cells = new ArrayList<>();
                    cells.add(Long.toString(rs.getLong(2)));
                    int i = 3;
                    for (TableMapping.MappedColumn col : mapping.columns()) {
                        cells.add(stored(rs, i++, col.type()));
                    }
                    if (mapping.json()) {
                        cells.add(stored(rs, i, ColumnType.JSON));
                    }
                    rows.add(new Stored(rs.getBytes(1), rs.getLong(2), cells));
                }
            }
        }
        return rows;
    }

    /** The values of this table's keys in the range that the sink could not decode: key, revision and category. */
    @Override
    public List<Stored> decodeFailures(byte[] from, byte[] to) throws SQLException {
        return failures.read(connection, mapping.table(), from, to).stream()
                .map(f -> new Stored(f.key(), f.modRevision(), List.of(f.category()))).toList();
    }

    /** A bound value (what {@link ColumnValues} gives) as a cell. */
    private static String cell(ColumnType type, Object value) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case TIMESTAMP -> ((Instant) value).truncatedTo(ChronoUnit.MICROS).toString();
            case JSON -> canonicalJson((String) value);
            case TEXT, BIGINT, DOUBLE, BOOLEAN -> value.toString();
        };
    }

    /** A stored value as a cell, read the way its database returns it. */
    private String stored(ResultSet rs, int i, ColumnType type) throws SQLException {
        String cell = switch (type) {
            case TEXT -> rs.getString(i);
            case BIGINT -> Long.toString(rs.getLong(i));
            case DOUBLE -> Double.toString(rs.getDouble(i));
            case BOOLEAN -> Boolean.toString(rs.getBoolean(i));
            case TIMESTAMP -> timestamp(rs, i);
            case JSON -> {
                String text = rs.getString(i);
                yield text == null ? null : canonicalJson(text);
            }
        };
        return rs.wasNull() ? null : cell;
    }

    /** PostgreSQL's timestamptz is an instant; MySQL's DATETIME and SQLite's text hold UTC, as the sink writes them. */
    private String timestamp(ResultSet rs, int i) throws SQLException {
        Instant t = switch (kind) {
            case POSTGRES -> {
                OffsetDateTime odt = rs.getObject(i, OffsetDateTime.class);
                yield odt == null ? null : odt.toInstant();
            }
            case MYSQL -> {
                LocalDateTime ldt = rs.getObject(i, LocalDateTime.class);
                yield ldt == null ? null : ldt.toInstant(ZoneOffset.UTC);
            }
            case SQLITE -> {
                String text = rs.getString(i);
                yield text == null ? null : ColumnValues.parseSqlTimestamp(text);
            }
        };
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS).toString();
    }

    /**
     * JSON text with its objects' keys sorted, numbers in one form and no spaces: PostgreSQL's jsonb reorders keys and
     * respaces, so only the document, not its text, is compared.
     */
    static String canonicalJson(String text) {
        if (text == null) {
            return null;
        }
        try {
            StringBuilder out = new StringBuilder();
            write(JSON.readTree(text), out);
            return out.toString();
        } catch (IOException e) {
            return "unreadable JSON (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static void write(JsonNode n, StringBuilder out) throws IOException {
        if (n.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), e.getValue());
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                out.append(first ? "" : ",").append(JSON.writeValueAsString(e.getKey())).append(':');
                write(e.getValue(), out);
                first = false;
            }
            out.append('}');
        } else if (n.isArray()) {
            out.append('[');
            for (int i = 0; i < n.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(n.get(i), out);
            }
            out.append(']');
        } else if (n.isNumber()) {
            out.append(n.decimalValue().stripTrailingZeros().toString());
        } else {
            out.append(JSON.writeValueAsString(n));
        }
    }
}
