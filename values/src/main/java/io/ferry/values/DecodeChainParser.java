package io.ferry.values;

import io.ferry.core.config.ConfigException;
import io.ferry.core.config.ConfigProblem;
import io.ferry.values.impl.Base64Step;
import io.ferry.values.impl.CborDecoder;
import io.ferry.values.impl.DecryptStep;
import io.ferry.values.impl.Decoder;
import io.ferry.values.impl.DescriptorSet;
import io.ferry.values.impl.DiegoStep;
import io.ferry.values.impl.JsonDecoder;
import io.ferry.values.impl.KeyRing;
import io.ferry.values.impl.KubernetesDecoder;
import io.ferry.values.impl.ProtobufDecoder;
import io.ferry.values.impl.StripStep;
import io.ferry.values.impl.Step;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a mapping's {@code decode} setting, as the configuration loader gives it (YAML turned into lists,
 * maps and strings), into a {@link ValueDecoder}. Every problem is collected with the path of the setting
 * that has it, as the rest of the configuration reports them.
 *
 * <p>The setting is a list (or a single element): steps first, then at most one decoder, JSON when none is
 * given. An element is a name, or a map of one name to its options:
 * <pre>
 * decode: [kubernetes]
 * decode: [{strip: "ferry:"}, base64, json]
 * decode:
 *   - diego: {keys: {key-2024: {env: BBS_KEY_2024}, key-2023: {file: /run/secrets/bbs-key-2023}}}
 *   - protobuf: {descriptors: /etc/ferry/bbs.desc, message: models.DesiredLRP}
 * </pre>
 * Steps: {@code strip} (a text, or {@code {text|hex: ..., optional: true}}), {@code base64},
 * {@code base64url}, {@code decrypt: {keys}} (a sealed blob in Diego BBS's layout), {@code diego} or
 * {@code diego: {keys}} (Diego BBS's encoding and envelope). Decoders: {@code json}, {@code cbor},
 * {@code kubernetes}, {@code protobuf: {descriptors, message, names: proto|json, defaults: true|false}}.
 * Keys are never written in the file: each label names an environment variable ({@code {env: NAME}}) or a
 * file ({@code {file: /path}}) that holds its passphrase, and the passphrase is remembered by
 * {@code Secrets} so that it is masked wherever it would be printed.
 *
 * <p>One parser may read every mapping of a configuration: a descriptor set named by several mappings is
 * read once.
 */
public final class DecodeChainParser {

    private static final List<String> STEP_NAMES = List.of("strip", "base64", "base64url", "decrypt", "diego");
    private static final List<String> DECODER_NAMES = List.of("json", "protobuf", "kubernetes", "cbor");
    private static final byte[] KUBERNETES_MAGIC = {'k', '8', 's', 0};

    private final KeyRingSetting keyRings;
    private final Map<Path, Object> descriptorSets = new HashMap<>();

    /** @param env where {@code {env: NAME}} keys are read from: {@code System.getenv()}, or a map in tests */
    public DecodeChainParser(Map<String, String> env) {
        this.keyRings = new KeyRingSetting(env);
    }

    /**
     * Reads one setting with the process's environment.
     *
     * @throws ConfigException listing every problem
     */
    public static ValueDecoder parse(Object raw, String path) {
        List<ConfigProblem> problems = new ArrayList<>();
        ValueDecoder d = new DecodeChainParser(System.getenv()).parse(raw, path, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(path, problems);
        }
        return d;
    }

    /**
     * Reads one mapping's {@code decode} setting.
     *
     * @param raw the setting as loaded: null, a list, or one element
     * @param path where it is, for problems: {@code sink.mappings[2].decode}
     * @param problems where each problem is added
     * @return the decoder; {@link ValueDecoder#json()} itself when the chain is JSON alone (as when {@code raw} is
     *     null or empty); null when a problem was added
     */
    public ValueDecoder parse(Object raw, String path, List<ConfigProblem> problems) {
        if (raw == null) {
            return ValueDecoder.json();
        }
        List<?> elements = raw instanceof List<?> l ? l : List.of(raw);
        int before = problems.size();
        List<Step> steps = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Decoder decoder = null;
        for (int i = 0; i < elements.size(); i++) {
            String at = path + "[" + i + "]";
            Object element = elements.get(i);
            String name;
            Object options;
            if (element instanceof String s) {
                name = s.trim();
                options = null;
            } else if (element instanceof Map<?, ?> m && m.size() == 1) {
                Map.Entry<?, ?> e = m.entrySet().iterator().next();
                name = String.valueOf(e.getKey()).trim();
                options = e.getValue();
            } else {
                problems.add(new ConfigProblem(at, null, "must be a step or decoder name (" + String.join(", ", STEP_NAMES)
                        + ", " + String.join(", ", DECODER_NAMES) + "), or a map of one name to its options, such as "
                        + "{strip: \"ferry:\"}"));
                names.add(null);
                continue;
            }
            names.add(name);
            at = at + "." + name;
            if (decoder != null) {
                problems.add(new ConfigProblem(at, null, "comes after the decoder " + decoder.describe()
                        + ": a decoder (" + String.join(", ", DECODER_NAMES) + ") ends the chain"));
                continue;
            }
            switch (name) {
                case "strip" -> add(steps, strip(options, at, problems));
                case "base64", "base64url" -> {
                    noOptions(options, at, problems);
                    steps.add(new Base64Step(name.equals("base64url")));
                }
                case "decrypt" -> {
                    Map<?, ?> o = options(options, at, Set.of("keys"), problems);
                    if (o != null && o.get("keys") == null) {
                        problems.add(new ConfigProblem(at + ".keys", null, "is required: the key ring, as {<label>: "
                                + "{env: NAME}} or {<label>: {file: /path}}"));
                    } else if (o != null) {
                        add(steps, keyRings.read(o.get("keys"), at + ".keys", problems), DecryptStep::new);
                    }
                }
                case "diego" -> {
                    Map<?, ?> o = options(options, at, Set.of("keys"), problems);
                    if (o != null) {
                        KeyRing keys = o.get("keys") == null ? KeyRing.empty() : keyRings.read(o.get("keys"), at + ".keys", problems);
                        add(steps, keys, DiegoStep::new);
                    }
                }
                case "json" -> {
                    noOptions(options, at, problems);
                    decoder = new JsonDecoder();
                }
                case "cbor" -> {
                    noOptions(options, at, problems);
                    decoder = new CborDecoder();
                }
                case "kubernetes" -> {
                    noOptions(options, at, problems);
                    decoder = new KubernetesDecoder();
                }
                case "protobuf" -> decoder = protobuf(options, at, problems);
                default -> problems.add(new ConfigProblem(path + "[" + i + "]", name, "is no step or decoder; steps are "
                        + String.join(", ", STEP_NAMES) + ", decoders " + String.join(", ", DECODER_NAMES)));
            }
        }
        checkOrder(elements, names, path, problems);
        if (problems.size() > before) {
            return null;
        }
        if (steps.isEmpty() && (decoder == null || decoder instanceof JsonDecoder)) {
            return ValueDecoder.json();
        }
        return new ValueDecoder(steps, decoder != null ? decoder : new JsonDecoder());
    }

    /** Combinations that parse but could never decode anything. */
    private static void checkOrder(List<?> elements, List<String> names, String path, List<ConfigProblem> problems) {
        int kubernetes = names.indexOf("kubernetes");
        if (kubernetes > 0 && "strip".equals(names.get(kubernetes - 1))
                && elements.get(kubernetes - 1) instanceof Map<?, ?> strip) {
            byte[] prefix = stripPrefix(strip.get("strip"));
            if (prefix != null && Arrays.equals(prefix, KUBERNETES_MAGIC)) {
                problems.add(new ConfigProblem(path + "[" + (kubernetes - 1) + "].strip", null, "takes off the k8s\\0 magic "
                        + "that the kubernetes decoder reads itself (it tells protobuf, JSON, CBOR and encrypted values "
                        + "apart by their first bytes): remove this step"));
            }
        }
        int diego = names.indexOf("diego");
        if (diego >= 0) {
            for (int i = diego + 1; i < names.size(); i++) {
                if ("kubernetes".equals(names.get(i)) || "cbor".equals(names.get(i))) {
                    problems.add(new ConfigProblem(path + "[" + i + "]." + names.get(i), null, "cannot follow diego: a BBS "
                            + "model is JSON or protobuf; use json (the default) or protobuf"));
                }
            }
        }
    }

    private static <T> void add(List<Step> steps, T built, java.util.function.Function<T, Step> step) {
        if (built != null) {
            steps.add(step.apply(built));
        }
    }

    private static void add(List<Step> steps, Step step) {
        if (step != null) {
            steps.add(step);
        }
    }

    private static Step strip(Object options, String at, List<ConfigProblem> problems) {
        if (options instanceof String s) {
            if (s.isEmpty()) {
                problems.add(new ConfigProblem(at, "", "needs the prefix to take off, as {strip: \"ferry:\"} or {strip: {hex: 6b387300}}"));
                return null;
            }
            return new StripStep(s.getBytes(StandardCharsets.UTF_8), false);
        }
        Map<?, ?> o = options(options, at, Set.of("text", "hex", "optional"), problems);
        if (o == null) {
            return null;
        }
        if ((o.get("text") == null) == (o.get("hex") == null)) {
            problems.add(new ConfigProblem(at, null, "needs exactly one of text (the prefix as UTF-8 text) and hex (its bytes in hex)"));
            return null;
        }
        Boolean optional = bool(o.get("optional"), false, at + ".optional", problems);
        byte[] prefix;
        if (o.get("text") != null) {
            prefix = String.valueOf(o.get("text")).getBytes(StandardCharsets.UTF_8);
        } else {
            String hex = String.valueOf(o.get("hex")).replaceAll("[\\s:]", "");
            try {
                prefix = HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(at + ".hex", String.valueOf(o.get("hex")), "is not hex (two digits 0-9a-f per byte)"));
                return null;
            }
        }
        if (prefix.length == 0) {
            problems.add(new ConfigProblem(at, null, "has an empty prefix"));
            return null;
        }
        return optional == null ? null : new StripStep(prefix, optional);
    }

    /** The bytes a valid {@code strip} option takes off, or null. */
    private static byte[] stripPrefix(Object options) {
        if (options instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (options instanceof Map<?, ?> m && m.get("text") != null) {
            return String.valueOf(m.get("text")).getBytes(StandardCharsets.UTF_8);
        }
        if (options instanceof Map<?, ?> m && m.get("hex") != null) {
            try {
                return HexFormat.of().parseHex(String.valueOf(m.get("hex")).replaceAll("[\\s:]", ""));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private Decoder protobuf(Object options, String at, List<ConfigProblem> problems) {
        Map<?, ?> o = options(options, at, Set.of("descriptors", "message", "names", "defaults"), problems);
        if (o == null) {
            return null;
        }
        boolean ok = true;
        for (String required : List.of("descriptors", "message")) {
            if (o.get(required) == null || String.valueOf(o.get(required)).isBlank()) {
                problems.add(new ConfigProblem(at + "." + required, null, "is required: protobuf needs {descriptors: <file "
                        + "from protoc --include_imports --descriptor_set_out>, message: <package.Message>}"));
                ok = false;
            }
        }
        String names = o.get("names") == null ? "proto" : String.valueOf(o.get("names"));
        if (!names.equals("proto") && !names.equals("json")) {
            problems.add(new ConfigProblem(at + ".names", names, "must be proto (field names as in the .proto file) or "
                    + "json (their lowerCamelCase JSON names)"));
            ok = false;
        }
        Boolean defaults = bool(o.get("defaults"), true, at + ".defaults", problems);
        if (!ok || defaults == null) {
            return null;
        }
        String file = String.valueOf(o.get("descriptors"));
        DescriptorSet set = descriptorSet(file, at + ".descriptors", problems);
        if (set == null) {
            return null;
        }
        String message = String.valueOf(o.get("message")).trim();
        var type = set.message(message);
        if (type == null) {
            List<String> known = set.messageNames();
            problems.add(new ConfigProblem(at + ".message", message, "is no message type of " + file + "; it has "
                    + String.join(", ", known.subList(0, Math.min(known.size(), 12))) + (known.size() > 12 ? ", ..." : "")
                    + " (give the full name, with the package)"));
            return null;
        }
        return new ProtobufDecoder(set, type, names.equals("proto"), defaults);
    }

    private DescriptorSet descriptorSet(String file, String at, List<ConfigProblem> problems) {
        Path path;
        try {
            path = Path.of(file).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            problems.add(new ConfigProblem(at, file, "is not a valid path"));
            return null;
        }
        Object loaded = descriptorSets.computeIfAbsent(path, p -> {
            try {
                return DescriptorSet.load(p);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        });
        if (loaded instanceof String why) {
            problems.add(new ConfigProblem(at, file, "the descriptor set " + why));
            return null;
        }
        return (DescriptorSet) loaded;
    }

    /** The options map (empty when none were given); null, with a problem, when it is not a map or has unknown keys. */
    private static Map<?, ?> options(Object options, String at, Set<String> allowed, List<ConfigProblem> problems) {
        if (options == null) {
            return Map.of();
        }
        if (!(options instanceof Map<?, ?> m)) {
            problems.add(new ConfigProblem(at, String.valueOf(options), "takes a map of options: " + String.join(", ",
                    allowed.stream().sorted().toList())));
            return null;
        }
        List<String> unknown = m.keySet().stream().map(String::valueOf).filter(k -> !allowed.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            problems.add(new ConfigProblem(at, null, "has unknown option(s) " + String.join(", ", unknown) + "; it takes "
                    + String.join(", ", allowed.stream().sorted().toList())));
            return null;
        }
        return m;
    }

    private static void noOptions(Object options, String at, List<ConfigProblem> problems) {
        if (options != null && !(options instanceof Map<?, ?> m && m.isEmpty())) {
            problems.add(new ConfigProblem(at, String.valueOf(options), "takes no options: write it as a plain name"));
        }
    }

    private static Boolean bool(Object raw, boolean fallback, String at, List<ConfigProblem> problems) {
        if (raw == null) {
            return fallback;
        }
        String s = String.valueOf(raw).trim();
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        problems.add(new ConfigProblem(at, s, "expected true or false"));
        return null;
    }
}
