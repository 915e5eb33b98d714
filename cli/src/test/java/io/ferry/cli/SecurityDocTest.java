package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the SQL grants of docs/security.md true: they are the statements the secured rollback
 * tests run ({@link LeastPrivilege}), for the database {@code app}, any host and elided passwords.
 */
class SecurityDocTest {

    private static final Path DOC = Path.of("..", "docs", "security.md");

    @Test
    void theGrantsShownAreTheOnesTheTestsRun() throws Exception {
        String doc = Files.readString(DOC);
        List<String> statements = new ArrayList<>();
        LeastPrivilege.postgresStatements("app", "...", "...", "...").forEach(s -> statements.add(s[1]));
        statements.addAll(LeastPrivilege.mariadbStatements("app", "%", "...", "...", "..."));
        List<String> missing = statements.stream().filter(s -> !doc.contains("\n" + s + ";\n")).toList();
        assertTrue(missing.isEmpty(), "docs/security.md does not show these statements as the tests run them: " + missing);
    }
}
