package io.ferry.values;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ferry.core.config.ConfigProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds decoders from YAML as a mapping's {@code decode} setting holds it. */
final class Chains {

    /** The tests' own descriptor set, written by protoc at build time (see pom.xml). */
    static final Path DESCRIPTORS = Path.of("target/test-descriptors/ferry-test.desc");
    static final String DESIRED_LRP = "ferry.test.diego.DesiredLRP";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Chains() {
    }

    /** The decoder of {@code yaml} (the value of {@code decode:}); fails the test on any problem. */
    static ValueDecoder of(String yaml, Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        ValueDecoder d = new DecodeChainParser(env).parse(tree(yaml), "decode", problems);
        if (!problems.isEmpty()) {
            throw new AssertionError("unexpected problems: " + problems);
        }
        return d;
    }

    static ValueDecoder of(String yaml) {
        return of(yaml, Map.of());
    }

    /** The problems of {@code yaml}. */
    static List<ConfigProblem> problems(String yaml, Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        ValueDecoder d = new DecodeChainParser(env).parse(tree(yaml), "decode", problems);
        if (problems.isEmpty() || d != null) {
            throw new AssertionError("expected problems, got a decoder " + d);
        }
        return problems;
    }

    static Object tree(String yaml) {
        try {
            return YAML.readValue(yaml, Object.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(yaml, e);
        }
    }

    static String protobuf(String options) {
        return "{protobuf: {descriptors: " + DESCRIPTORS + ", message: " + DESIRED_LRP + options + "}}";
    }
}
