package io.ferry.values;

import io.ferry.core.config.ConfigProblem;
import io.ferry.core.config.Secrets;
import io.ferry.values.impl.KeyRing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code keys} setting ({@code {<label>: {env: NAME}}} or {@code {<label>: {file: /path}}}) into a
 * {@link KeyRing}. Passphrases come only from the environment or files, never from the configuration, and
 * each is remembered by {@link Secrets} so that whatever Ferry prints masks it.
 */
final class KeyRingSetting {

    private final Map<String, String> env;

    KeyRingSetting(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The ring of a {@code keys} setting at {@code at}; null, with problems added, when it has any. */
    KeyRing read(Object raw, String at, List<ConfigProblem> problems) {
        if (!(raw instanceof Map<?, ?> labels) || labels.isEmpty()) {
            problems.add(new ConfigProblem(at, null, "must map each key label to where its passphrase is: "
                    + "{key-2024: {env: BBS_KEY_2024}, key-2023: {file: /run/secrets/bbs-key-2023}}"));
            return null;
        }
        Map<String, String> passphrases = new LinkedHashMap<>();
        boolean ok = true;
        for (Map.Entry<?, ?> e : labels.entrySet()) {
            String label = String.valueOf(e.getKey());
            String where = at + "." + label;
            int bytes = label.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > KeyRing.MAX_LABEL_BYTES) {
                problems.add(new ConfigProblem(where, null, "a key label has 1 to " + KeyRing.MAX_LABEL_BYTES + " bytes, as in the BBS"));
                ok = false;
                continue;
            }
            String phrase = passphrase(e.getValue(), where, problems);
            if (phrase == null) {
                ok = false;
                continue;
            }
            Secrets.remember(phrase);
            passphrases.put(label, phrase);
        }
        return ok ? KeyRing.ofPassphrases(passphrases) : null;
    }

    /** The passphrase from the environment or a file; never from the configuration itself. */
    private String passphrase(Object spec, String at, List<ConfigProblem> problems) {
        if (!(spec instanceof Map<?, ?> m) || m.size() != 1 || !(m.containsKey("env") || m.containsKey("file"))) {
            problems.add(new ConfigProblem(at, spec instanceof Map ? null : "****", "must be {env: NAME} or {file: /path}: "
                    + "a key is never written in the configuration (a ${...} reference would put it in the loaded "
                    + "settings, which are logged)"));
            return null;
        }
        if (m.containsKey("env")) {
            String name = String.valueOf(m.get("env"));
            String value = env.get(name);
            if (value == null || value.isEmpty()) {
                problems.add(new ConfigProblem(at + ".env", name, "environment variable " + name + " is "
                        + (value == null ? "not set" : "empty") + ": export the key's passphrase in it"));
                return null;
            }
            return value;
        }
        String file = String.valueOf(m.get("file"));
        String why;
        try {
            String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            text = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (!text.isEmpty()) {
                return text;
            }
            why = "is empty";
        } catch (NoSuchFileException e) {
            why = "does not exist";
        } catch (java.nio.file.AccessDeniedException e) {
            why = "may not be read by this process (check its owner and mode)";
        } catch (java.nio.charset.CharacterCodingException e) {
            why = "is not UTF-8 text";
        } catch (InvalidPathException e) {
            why = "is not a valid path";
        } catch (IOException e) {
            why = "cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        problems.add(new ConfigProblem(at + ".file", file, "the key file " + why));
        return null;
    }

}
