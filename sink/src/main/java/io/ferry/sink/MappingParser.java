package io.ferry.sink;

import com.fasterxml.jackson.core.JsonPointer;
import io.ferry.core.config.ConfigProblem;
import io.ferry.values.DecodeChainParser;
import io.ferry.values.ValueDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code sink.mappings}: a list of
 * {@code {prefix: /v1/actual/, table: actual_lrps, json: true, decode: [diego], columns: {process_guid: {from: key:3,
 * type: text}, state: {from: /state, type: text}}}}. {@code from} is {@code key:N} (the N-th '/'-separated
 * segment of the key, counting the empty one before a leading '/' as 0), {@code lease} (the key's lease id) or a
 * JSON pointer into the value as its {@code decode} chain turns it into a document (the values module's
 * {@link DecodeChainParser}; JSON when there is none). Every problem is collected and reported at once, each
 * with its path.
 */
final class MappingParser {

    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";
    private static final Set<String> MAPPING_KEYS = Set.of("prefix", "table", "json", "jsonb", "columns", "decode");
    private static final String COLUMN_SPEC = "{from: key:N, lease or /json/pointer, type: text|bigint|double|boolean|"
            + "timestamp|json}";

    private MappingParser() {
    }

    /** Reads the setting; {@code {env: NAME}} keys of a decode chain come from the process's environment. */
    static List<TableMapping> parse(Object raw) {
        return parse(raw, new DecodeChainParser(System.getenv()));
    }

    /** Reads the setting with {@code decoders} for the {@code decode} chains (one parser reads a descriptor set once). */
    static List<TableMapping> parse(Object raw, DecodeChainParser decoders) {
        List<TableMapping> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        List<String> problems = new ArrayList<>();
        if (!(raw instanceof List<?> list)) {
            throw new SinkException("sink.mappings must be a list of {prefix, table, decode, columns, json}");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                problems.add("sink.mappings[" + i + "] is not a map");
                continue;
            }
            String where = "sink.mappings[" + i + "]";
            Set<String> unknown = new TreeSet<>();
            m.keySet().forEach(k -> {
                if (!MAPPING_KEYS.contains(String.valueOf(k))) {
                    unknown.add(String.valueOf(k));
                }
            });
            if (!unknown.isEmpty()) {
                problems.add(where + " has unknown settings " + unknown + "; a mapping takes " + new TreeSet<>(MAPPING_KEYS));
            }
            Object prefix = m.get("prefix");
            Object table = m.get("table");
            if (prefix == null || prefix.toString().isEmpty()) {
                problems.add(where + ".prefix is required");
            }
            if (table == null || !table.toString().matches(IDENTIFIER)) {
                problems.add(where + ".table must be a SQL identifier");
            }
            List<TableMapping.MappedColumn> columns = new ArrayList<>();
            if (m.get("columns") instanceof Map<?, ?> cols) {
                cols.forEach((name, spec) -> column(where, name.toString(), spec, columns, problems));
            } else if (m.get("columns") != null) {
                problems.add(where + ".columns must be a map of column name to " + COLUMN_SPEC);
            }
            List<ConfigProblem> chainProblems = new ArrayList<>();
            ValueDecoder decoder = decoders.parse(m.get("decode"), where + ".decode", chainProblems);
            chainProblems.forEach(p -> problems.add(p.toString()));
            boolean json = Boolean.parseBoolean(String.valueOf(m.get("json") != null ? m.get("json") : m.get("jsonb")));
            if (prefix != null && table != null && decoder != null) {
                out.add(new TableMapping(prefix.toString().getBytes(StandardCharsets.UTF_8), table.toString(),
                        List.copyOf(columns), json, decoder));
            }
        }
        if (!problems.isEmpty()) {
            throw new SinkException("invalid sink.mappings: " + String.join("; ", problems));
        }
        return List.copyOf(out);
    }

    private static void column(String where, String name, Object spec, List<TableMapping.MappedColumn> columns,
                               List<String> problems) {
        String at = where + ".columns." + name;
        if (!name.matches(IDENTIFIER) || name.equalsIgnoreCase("key") || name.equalsIgnoreCase("mod_revision")
                || name.equalsIgnoreCase(TableMapping.DOC)) {
            problems.add(at + ": not a usable column name (key, mod_revision and doc are the sink's own)");
            return;
        }
        if (!(spec instanceof Map<?, ?> s) || s.get("from") == null) {
            problems.add(at + " needs " + COLUMN_SPEC);
            return;
        }
        String from = s.get("from").toString();
        ColumnType type;
        try {
            type = ColumnType.parse(s.get("type") != null ? s.get("type").toString() : from.equals("lease") ? "bigint" : "text");
        } catch (IllegalArgumentException e) {
            problems.add(at + ".type: " + e.getMessage());
            return;
        }
        if (from.startsWith("key:")) {
            try {
                columns.add(new TableMapping.MappedColumn(name, TableMapping.Source.KEY, Integer.parseInt(from.substring(4)),
                        null, type));
            } catch (NumberFormatException e) {
                problems.add(at + ".from: '" + from + "' needs a segment number, as in key:3");
            }
        } else if (from.equals("lease")) {
            if (type != ColumnType.BIGINT && type != ColumnType.TEXT) {
                problems.add(at + ".type: " + type.label() + " does not fit from: lease, which is the key's lease id (bigint); "
                        + "the records carry only the id, not when the lease expires (docs/mappings.md)");
                return;
            }
            columns.add(new TableMapping.MappedColumn(name, TableMapping.Source.LEASE, -1, null, type));
        } else if (from.startsWith("/")) {
            try {
                columns.add(new TableMapping.MappedColumn(name, TableMapping.Source.VALUE, -1, JsonPointer.compile(from), type));
            } catch (IllegalArgumentException e) {
                problems.add(at + ".from: '" + from + "' is not a JSON pointer (" + e.getMessage() + ")");
            }
        } else {
            problems.add(at + ".from: '" + from + "' is neither key:N, lease nor a JSON pointer starting with /");
        }
    }
}
