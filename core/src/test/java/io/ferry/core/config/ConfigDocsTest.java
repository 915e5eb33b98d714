package io.ferry.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    /** Surefire runs in the module directory; the docs live one level up. */
    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void committedReferenceMatchesTheDeclarations() throws Exception {
        String expected = ConfigDocs.markdown(FerryConfig.definition());
        assertTrue(Files.exists(DOC), "docs/configuration.md is missing: run bin/ferry config-docs > docs/configuration.md");
        assertEquals(expected, Files.readString(DOC),
                "docs/configuration.md is out of date: run bin/ferry config-docs > docs/configuration.md");
    }

    @Test
    void committedAnnotatedYamlMatchesTheDeclarations() throws Exception {
        Path yaml = Path.of("..", "docs", "ferry.yaml");
        assertEquals(ConfigDocs.yaml(FerryConfig.definition()), Files.readString(yaml),
                "docs/ferry.yaml is out of date: run bin/ferry config-docs --yaml > docs/ferry.yaml");
    }

    /**
     * The annotated file as it is loads (every key commented out); with every default uncommented it loads too, and
     * gives each key its default: the values written are what Ferry would use anyway.
     */
    @Test
    void theAnnotatedYamlUncommentedLoadsToTheDefaults() {
        String yaml = ConfigDocs.yaml(FerryConfig.definition());
        FerryConfig.fromYaml(yaml, Map.of());
        StringBuilder uncommented = new StringBuilder();
        int keys = 0;
        for (String line : yaml.split("\n")) {
            if (line.matches("#[a-z]+\\.[a-z0-9.]+: [^#].*")) {
                uncommented.append(line.substring(1)).append('\n');
                keys++;
            }
        }
        FerryConfig loaded = FerryConfig.fromYaml(uncommented.toString(), Map.of());
        FerryConfig defaults = FerryConfig.fromYaml("", Map.of());
        assertTrue(keys > 40, "most keys have a default: " + keys);
        for (ConfigKey<?> key : FerryConfig.definition().keys()) {
            assertEquals(defaults.values().get(key), loaded.values().get(key), key.name());
        }
    }

    @Test
    void everyKeyIsDocumented() {
        String md = ConfigDocs.markdown(FerryConfig.definition());
        for (ConfigKey<?> key : FerryConfig.definition().keys()) {
            assertTrue(md.contains("| `" + key.name() + "` |"), key.name());
        }
    }
}
