package io.ferry.core.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one YAML file into flat, dotted keys. Nested maps and dotted names may be mixed
 * ({@code etcd: {endpoints: ...}} and {@code etcd.endpoints: ...} mean the same). In any string,
 * {@code ${NAME}} or {@code ${NAME:-default}} is replaced from the environment and
 * {@code ${file:/path}} by the content of a file without its trailing newline (the path may itself
 * refer to the environment: {@code ${file:${CREDENTIALS_DIRECTORY}/pg}}). That is how secrets get in
 * without being written into the file: from a Kubernetes Secret as an environment variable or a
 * mounted file, or from systemd's {@code LoadCredential=}. Nothing substituted is substituted again.
 */
public final class ConfigLoader {

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final String FILE = "(file)";
    private static final String FILE_REF = "${file:";

    private final ConfigDef def;
    private final Map<String, String> env;

    public ConfigLoader(ConfigDef def, Map<String, String> env) {
        this.def = def;
        this.env = env;
    }

    /** Loads and validates a file; every problem, in the file or in the values, is reported at once. */
    public ConfigValues load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem(FILE, file.toString(),
                    "no such file. Pass an existing file with -c, or leave -c out to run on embedded defaults.")));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem(FILE, file.toString(),
                    "cannot be read: " + e.getMessage())));
        }
        return loadText(text, file.toString());
    }

    /** Loads YAML text; {@code source} names it in error messages. */
    public ConfigValues loadText(String yaml, String source) {
        Map<String, Object> tree = readYaml(yaml, source);
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", tree, flat, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return def.parse(flat, source);
    }

    /** Validates already-flat values, as from tests and command-line overrides. */
    public ConfigValues loadMap(Map<String, Object> flat, String source) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, Object> substituted = new LinkedHashMap<>();
        flat.forEach((k, v) -> substituted.put(k, substitute(k, v, problems)));
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return def.parse(substituted, source);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readYaml(String yaml, String source) {
        if (yaml.isBlank()) {
            return Map.of();
        }
        try {
            // A file of comments only (docs/ferry.yaml as it is) has no document at all: the embedded defaults.
            ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
            com.fasterxml.jackson.databind.JsonNode tree = mapper.readTree(yaml);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return Map.of();
            }
            Object root = mapper.treeToValue(tree, Object.class);
            if (!(root instanceof Map)) {
                throw new ConfigException(source, List.of(new ConfigProblem(FILE, null,
                        "must be a YAML map of keys to values, such as 'etcd.endpoints: http://127.0.0.1:2379'")));
            }
            return (Map<String, Object>) root;
        } catch (JacksonException e) {
            // Only where: the parser's own message quotes the offending text, which may be a password.
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(source, List.of(new ConfigProblem(FILE, null, "is not valid YAML" + where
                    + " (the text is not shown, as it may hold a secret). Look there for an unclosed quote or bracket, "
                    + "a tab used for indentation, a missing ': ', or a value starting with one of * & ! % @ ` { [ "
                    + "that needs quotes.")));
        }
    }

    @SuppressWarnings("unchecked")
    private void flatten(String prefix, Map<String, Object> map, Map<String, Object> out, List<ConfigProblem> problems) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String name = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
            Object value = e.getValue();
            if (value instanceof Map && !def.isDeclared(name)) {
                flatten(name, (Map<String, Object>) value, out, problems);
                continue;
            }
            if (out.containsKey(name)) {
                problems.add(new ConfigProblem(name, null, "is set twice (once nested, once dotted); keep one"));
                continue;
            }
            out.put(name, substitute(name, value, problems));
        }
    }

    /** Replaces environment references in strings, also inside lists and maps. */
    @SuppressWarnings("unchecked")
    private Object substitute(String key, Object value, List<ConfigProblem> problems) {
        if (value instanceof String s) {
            return substituteString(key, s, problems);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(substitute(key, v, problems)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> out.put(k, substitute(key, v, problems)));
            return out;
        }
        return value;
    }

    /** Replaces {@code ${file:...}} and environment references, left to right; what they give is not read again. */
    private String substituteString(String key, String s, List<ConfigProblem> problems) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int start = s.indexOf("${", i);
            if (start < 0) {
                out.append(s, i, s.length());
                break;
            }
            out.append(s, i, start);
            int end = closingBrace(s, start);
            if (end < 0) {
                out.append(s, start, s.length());
                break;
            }
            String ref = s.substring(start, end + 1);
            out.append(ref.startsWith(FILE_REF)
                    ? readFile(key, substituteEnv(key, ref.substring(FILE_REF.length(), ref.length() - 1), problems), problems)
                    : substituteEnv(key, ref, problems));
            i = end + 1;
        }
        return out.toString();
    }

    /** The index of the brace that closes the reference opened at {@code start}, counting nested references. */
    private static int closingBrace(String s, int start) {
        int depth = 0;
        for (int i = start; i < s.length(); i++) {
            if (s.startsWith("${", i)) {
                depth++;
                i++;
            } else if (s.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private String substituteEnv(String key, String s, List<ConfigProblem> problems) {
        Matcher m = ENV_REF.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String replacement = env.get(m.group(1));
            if (replacement == null) {
                replacement = m.group(2);
            }
            if (replacement == null) {
                problems.add(new ConfigProblem(key, null, "refers to environment variable " + m.group(1)
                        + ", which is not set. Export it, or write ${" + m.group(1) + ":-default}."));
                replacement = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * The content of a secret file without one trailing newline (what {@code echo} and editors add). A file that
     * cannot be read is a problem naming the key and the path, never the content.
     */
    private static String readFile(String key, String path, List<ConfigProblem> problems) {
        if (path.isBlank()) {
            problems.add(new ConfigProblem(key, null, "refers to ${file:...} without a path. Write ${file:/run/secrets/name}."));
            return "";
        }
        String why;
        try {
            String text = Files.readString(Path.of(path));
            if (text.endsWith("\r\n")) {
                return text.substring(0, text.length() - 2);
            }
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (NoSuchFileException e) {
            why = "which does not exist";
        } catch (java.nio.file.AccessDeniedException e) {
            why = "which this process may not read (permission denied; check the file's owner and mode)";
        } catch (java.nio.charset.CharacterCodingException e) {
            why = "which is not UTF-8 text";
        } catch (java.nio.file.InvalidPathException e) {
            why = "which is not a valid path";
        } catch (IOException e) {
            why = Files.isDirectory(Path.of(path)) ? "which is a directory, not a file"
                    : "which cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        problems.add(new ConfigProblem(key, null, "refers to file " + path + ", " + why + "."));
        return "";
    }
}
