package io.ferry.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every YAML and JSON file under {@code deploy/} parses, and none is empty. */
class DeployFilesParseTest {

    @Test
    void everyYamlFileParses() {
        List<Path> files = DeployFiles.find("", ".yaml", ".yml");
        assertTrue(files.size() >= 15, "expected the compose, k8s and prometheus files, found " + files);
        for (Path f : files) {
            List<JsonNode> docs = DeployFiles.yamlDocuments(f);
            assertFalse(docs.isEmpty(), f + " has no YAML document");
            docs.forEach(d -> assertTrue(d.isObject(), f + ": every document is a mapping, found " + d.getNodeType()));
        }
    }

    @Test
    void everyJsonFileParses() {
        List<Path> files = DeployFiles.find("", ".json");
        assertFalse(files.isEmpty(), "expected at least the Grafana dashboard");
        for (Path f : files) {
            assertTrue(DeployFiles.json(f).isObject(), f + " is not a JSON object");
        }
    }
}
