package io.ferry.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void everyKeyIsDocumented() {
        String md = ConfigDocs.markdown(FerryConfig.definition());
        for (ConfigKey<?> key : FerryConfig.definition().keys()) {
            assertTrue(md.contains("| `" + key.name() + "` |"), key.name());
        }
    }
}
