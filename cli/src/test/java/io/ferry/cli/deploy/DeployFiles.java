package io.ferry.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds and parses the files under {@code deploy/}, for the tests that check them. */
public final class DeployFiles {

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    public static final ObjectMapper JSON = new ObjectMapper();

    private DeployFiles() {
    }

    /** The repository root: Failsafe passes it; Surefire runs in the module directory. */
    public static Path root() {
        return Path.of(System.getProperty("ferry.project.root", "..")).toAbsolutePath().normalize();
    }

    public static Path deploy(String relative) {
        return root().resolve("deploy").resolve(relative);
    }

    /** Every file under {@code deploy/<dir>} whose name ends with one of the suffixes, sorted. */
    public static List<Path> find(String dir, String... suffixes) {
        try (Stream<Path> s = Files.walk(deploy(dir))) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(suffixes).anyMatch(x -> p.getFileName().toString().endsWith(x)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list deploy/" + dir, e);
        }
    }

    /** Every document of a (possibly multi-document) YAML file; a parse error names the file. */
    public static List<JsonNode> yamlDocuments(Path file) {
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = ((YAMLFactory) YAML.getFactory()).createParser(file.toFile())) {
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isMissingNode() && !doc.isNull()) {
                    docs.add(doc);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(root().relativize(file) + " is not valid YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    public static JsonNode yaml(Path file) {
        List<JsonNode> docs = yamlDocuments(file);
        if (docs.size() != 1) {
            throw new AssertionError(root().relativize(file) + ": expected one YAML document, found " + docs.size());
        }
        return docs.get(0);
    }

    /**
     * A YAML file as Docker Compose reads it: with its merge keys ({@code <<: *ferry}) resolved, which Jackson's
     * parser leaves as the alias's name. SnakeYAML (Jackson's own YAML parser) loads it; safe types only.
     */
    public static JsonNode yamlWithMerges(Path file) {
        try (java.io.Reader in = Files.newBufferedReader(file)) {
            Object loaded = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                    new org.yaml.snakeyaml.LoaderOptions())).load(in);
            return JSON.valueToTree(loaded);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(root().relativize(file) + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    public static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(root().relativize(file) + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The node at a dotted path ({@code spec.template.spec}), or a missing node. */
    public static JsonNode at(JsonNode node, String dotted) {
        JsonNode n = node;
        for (String part : dotted.split("\\.")) {
            n = n == null ? MissingNode.getInstance() : n.path(part);
        }
        return n;
    }
}
