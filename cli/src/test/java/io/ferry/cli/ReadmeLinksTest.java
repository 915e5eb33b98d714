package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README is a newcomer's way in: every reference in docs/ is reachable from it. */
class ReadmeLinksTest {

    @Test
    void theReadmeLinksEveryDoc() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> unlinked;
        try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
            unlinked = docs.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md"))
                    .filter(n -> !readme.contains("(docs/" + n + ")") && !readme.contains("(docs/" + n + "#")).sorted().toList();
        }
        assertEquals(List.of(), unlinked, "docs the README does not link");
    }
}
