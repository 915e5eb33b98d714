package io.ferry.bench;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/** Writes maps, lists, strings, numbers and booleans as JSON; enough for the bench's results. */
final class Json {

    private Json() {
    }

    static String write(Object o) {
        StringBuilder b = new StringBuilder();
        write(b, o, 0);
        return b.toString();
    }

    private static void write(StringBuilder b, Object o, int depth) {
        if (o == null) {
            b.append("null");
        } else if (o instanceof Map<?, ?> m) {
            b.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(i++ > 0 ? "," : "").append('\n').append("  ".repeat(depth + 1));
                string(b, String.valueOf(e.getKey()));
                b.append(": ");
                write(b, e.getValue(), depth + 1);
            }
            b.append(m.isEmpty() ? "" : "\n" + "  ".repeat(depth)).append('}');
        } else if (o instanceof Collection<?> c) {
            b.append('[');
            int i = 0;
            for (Object e : c) {
                b.append(i++ > 0 ? ", " : "");
                write(b, e, depth + 1);
            }
            b.append(']');
        } else if (o instanceof Double || o instanceof Float) {
            double d = ((Number) o).doubleValue();
            b.append(Double.isFinite(d) ? number(d) : "null");
        } else if (o instanceof Number || o instanceof Boolean) {
            b.append(o);
        } else {
            string(b, o.toString());
        }
    }

    /** Whole numbers from 1000 up, four significant digits below: rates and seconds stay readable. */
    static String number(double d) {
        if (Math.abs(d) >= 1000) {
            return Long.toString(Math.round(d));
        }
        String s = String.format(Locale.ROOT, "%.4g", d);
        if (s.contains("e") || !s.contains(".")) {
            return s;
        }
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
