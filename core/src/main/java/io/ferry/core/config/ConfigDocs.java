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
