package io.ferry.sink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code sink.mappings}: a list of
 * {@code {prefix: /v1/actual/, table: actual_lrps, json: true, columns: {process_guid: {from: key:3, type: text},
 * state: {from: /state, type: text}}}}. {@code from} is {@code key:N} (the N-th '/'-separated
 * segment of the key, counting the empty one before a leading '/' as 0) or a JSON pointer into the
 * value. Every problem is collected and reported at once.
 */
final class MappingParser {

    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";

    private MappingParser() {
    }

    static List<TableMapping> parse(Object raw) {
        List<TableMapping> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        List<String> problems = new ArrayList<>();
        if (!(raw instanceof List<?> list)) {
            throw new SinkException("sink.mappings must be a list of {prefix, table, columns, json}");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                problems.add("sink.mappings[" + i + "] is not a map");
                continue;
            }
            String where = "sink.mappings[" + i + "]";
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
                problems.add(where + ".columns must be a map of column name to {from, type}");
            }
            boolean json = Boolean.parseBoolean(String.valueOf(m.get("json") != null ? m.get("json") : m.get("jsonb")));
            if (prefix != null && table != null) {
                out.add(new TableMapping(prefix.toString().getBytes(StandardCharsets.UTF_8), table.toString(),
                        List.copyOf(columns), json));
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
            problems.add(at + " needs {from: key:N or /json/pointer, type: text|bigint|double|boolean}");
            return;
        }
        String from = s.get("from").toString();
        ColumnType type;
        try {
            type = ColumnType.parse(s.get("type") == null ? "text" : s.get("type").toString());
        } catch (IllegalArgumentException e) {
            problems.add(at + ": " + e.getMessage());
            return;
        }
        if (from.startsWith("key:")) {
            try {
                columns.add(new TableMapping.MappedColumn(name, Integer.parseInt(from.substring(4)), null, type));
            } catch (NumberFormatException e) {
                problems.add(at + ".from: '" + from + "' needs a segment number, as in key:3");
            }
        } else if (from.startsWith("/")) {
            columns.add(new TableMapping.MappedColumn(name, -1, from, type));
        } else {
            problems.add(at + ".from: '" + from + "' is neither key:N nor a JSON pointer starting with /");
        }
    }
}
