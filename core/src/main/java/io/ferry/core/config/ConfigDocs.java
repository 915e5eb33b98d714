package io.ferry.core.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code docs/configuration.md} from the key declarations, so the reference cannot drift
 * from the code. {@code ConfigDocsTest} fails when the committed file is out of date; regenerate
 * it with {@code bin/ferry config-docs > docs/configuration.md}.
 */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    public static String markdown(ConfigDef def) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Configuration reference\n\n")
                .append("<!-- Generated from the key declarations in core/src/main/java/io/ferry/core/config.\n")
                .append("     Do not edit by hand: run `bin/ferry config-docs > docs/configuration.md`. -->\n\n")
                .append("Ferry reads one YAML file (`-c ferry.yaml`). Keys may be nested (`etcd: {prefix: /v1/}`) or dotted\n")
                .append("(`etcd.prefix: /v1/`). Any string may refer to an environment variable as `${NAME}` or\n")
                .append("`${NAME:-default}`, and to the content of a file as `${file:/path}` (one trailing newline removed;\n")
                .append("the path may use the environment: `${file:${CREDENTIALS_DIRECTORY}/pg}`). That is how secrets get\n")
                .append("in without being written into the file; see [security.md](security.md#secrets).\n\n")
                .append("Ferry checks the whole file before it starts and reports every problem at once, naming the key,\n")
                .append("the value and the reason, then exits with code 2. Unknown keys are rejected, with the closest\n")
                .append("known key suggested and their value not shown. Secret values (the keys marked below, every\n")
                .append("`kafka.*` setting of Kafka's type PASSWORD, passwords in URLs) are masked in logs and errors.\n\n")
                .append("Every `kafka.*` key that is not listed here is passed to the Kafka clients with the `kafka.`\n")
                .append("prefix removed, for example `kafka.security.protocol: SASL_SSL` or `kafka.sasl.jaas.config: ...`.\n")
                .append("Kafka checks those itself.\n");
        for (Map.Entry<String, List<ConfigKey<?>>> section : bySection(def.keys()).entrySet()) {
            sb.append("\n## `").append(section.getKey()).append(".*`\n\n")
                    .append("| Key | Type | Default | Description |\n")
                    .append("|---|---|---|---|\n");
            for (ConfigKey<?> key : section.getValue()) {
                sb.append("| `").append(key.name()).append("` | ").append(key.type().describe()).append(" | ")
                        .append(defaultText(key)).append(" | ").append(escape(key.doc()))
                        .append(key.secret() ? " *Secret: masked in logs.*" : "").append(" |\n");
            }
        }
        return sb.toString();
    }

    /**
     * A complete, annotated {@code ferry.yaml}: every key with its default, commented out, under its description,
     * so that a file starts from it by uncommenting what differs. {@code docs/ferry.yaml} holds it.
     */
    public static String yaml(ConfigDef def) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Every key of Ferry's configuration, with its default, commented out: uncomment and change what\n")
                .append("# differs for you. An empty file runs on the embedded defaults (etcd on 127.0.0.1:2379, an\n")
                .append("# in-process Kafka broker, SQLite in ./ferry.db). Any string may refer to the environment as\n")
                .append("# ${NAME} or ${NAME:-default} and to a file's content as ${file:/path}: keep secrets out of this\n")
                .append("# file that way (docs/security.md). Other kafka.* keys go to the Kafka clients as they are.\n")
                .append("# The reference is docs/configuration.md. Generated from the key declarations; do not edit by\n")
                .append("# hand: run `bin/ferry config-docs --yaml > docs/ferry.yaml`.\n");
        for (Map.Entry<String, List<ConfigKey<?>>> section : bySection(def.keys()).entrySet()) {
            sb.append("\n# ---- ").append(section.getKey()).append(" ----\n");
            for (ConfigKey<?> key : section.getValue()) {
                sb.append("\n");
                for (String line : wrap(key.doc() + (key.secret() ? " Secret: masked in logs." : ""), 96)) {
                    sb.append("# ").append(line).append("\n");
                }
                sb.append("#").append(key.name()).append(": ").append(yamlDefault(key)).append("\n");
            }
        }
        return sb.toString();
    }

    /** The default as a YAML scalar; a key without one says so in a comment, which a loader never sees. */
    private static <T> String yamlDefault(ConfigKey<T> key) {
        if (key.required()) {
            return "# required (" + key.type().describe() + ")";
        }
        if (key.defaultValue() == null) {
            return "# unset (" + key.type().describe() + ")";
        }
        String text = key.type().render(key.defaultValue());
        if (key.type() == ConfigType.STRUCTURED) {
            return text.equals("[]") ? "[]" : "# structured: see docs/configuration.md";
        }
        boolean plain = text.matches("[A-Za-z0-9_./@+-][A-Za-z0-9_./@+,-]*") && !text.matches("(?i)true|false|yes|no|on|off|null|~");
        return plain || key.type() == ConfigType.BOOLEAN || key.type() == ConfigType.INT || key.type() == ConfigType.LONG
                ? text : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    private static Map<String, List<ConfigKey<?>>> bySection(Collection<ConfigKey<?>> keys) {
        Map<String, List<ConfigKey<?>>> sections = new LinkedHashMap<>();
        for (ConfigKey<?> key : keys) {
            String section = key.name().substring(0, key.name().indexOf('.'));
            sections.computeIfAbsent(section, s -> new java.util.ArrayList<>()).add(key);
        }
        return sections;
    }

    private static <T> String defaultText(ConfigKey<T> key) {
        if (key.required()) {
            return "*required*";
        }
        if (key.defaultValue() == null) {
            return "*unset*";
        }
        return "`" + escape(key.type().render(key.defaultValue())) + "`";
    }

    private static String escape(String s) {
        return s.replace("|", "\\|");
    }

    /** Prints the reference to standard output. */
    public static void main(String[] args) {
        System.out.print(markdown(FerryConfig.definition()));
    }
}
