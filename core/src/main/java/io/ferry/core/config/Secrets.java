package io.ferry.core.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Keeps secrets out of logs and error messages. Passwords in URLs are found by parsing the URL
 * ({@link ConnectionUrl}), not by a pattern, so a password holding {@code %}, {@code /}, {@code @} or a space is
 * masked too. Which {@code kafka.*} pass-through values are secret is Kafka's to say: a
 * {@link PassthroughSecrets} found with {@link ServiceLoader} (the clients module provides one, from Kafka's own
 * definitions) decides; without one, every pass-through value is treated as secret.
 *
 * <p>Masking at the source cannot reach what other code prints: a JDBC driver that quotes the URL it cannot
 * parse, an exception's message in a stack trace. So every secret value of a loaded configuration is also
 * {@linkplain #remember remembered}, and {@link #redact} masks it wherever it appears; the {@code ferry}
 * command passes everything it prints and logs through {@code redact}.
 */
public final class Secrets {

    /** What a masked value prints as. */
    public static final String MASK = "****";

    private static final List<PassthroughSecrets> PASSTHROUGH = ServiceLoader.load(PassthroughSecrets.class,
            Secrets.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();

    /** Shorter values are not remembered: masking every "pw" in the log would hide more than it protects. */
    static final int MIN_REMEMBERED = 4;

    /** Remembered secrets, longest first, so that one that contains another is masked whole. */
    private static volatile List<String> remembered = List.of();

    private Secrets() {
    }

    /**
     * Remembers a secret value, and its percent-encoded forms, so that {@link #redact} masks it. Values shorter than
     * four characters are ignored; each line of a multi-line value (a PEM key) is remembered on its own as well.
     */
    public static synchronized void remember(String secret) {
        if (secret == null || secret.length() < MIN_REMEMBERED) {
            return;
        }
        List<String> forms = new ArrayList<>(List.of(secret));
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        forms.add(encoded);
        forms.add(encoded.replace("+", "%20"));
        // In a JSON log line (FERRY_LOG_FORMAT=json) a secret appears escaped: logback also escapes '/', Jackson does not.
        String json = jsonEscaped(secret);
        forms.add(json);
        forms.add(json.replace("/", "\\/"));
        if (secret.indexOf('\n') >= 0) {
            for (String line : secret.split("\r?\n")) {
                if (line.strip().length() >= 16) { // a PEM body line; never "-----END PRIVATE KEY-----" alone
                    forms.add(line.strip());
                }
            }
        }
        List<String> all = new ArrayList<>(remembered);
        forms.stream().filter(f -> f.length() >= MIN_REMEMBERED && !all.contains(f)).distinct().forEach(all::add);
        all.sort(Comparator.comparingInt(String::length).reversed());
        remembered = List.copyOf(all);
    }

    /** {@code value} as a JSON string's content: quotes, backslashes and control characters escaped. */
    static String jsonEscaped(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** {@code text} with every {@linkplain #remember remembered} secret replaced by {@code ****}. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : remembered) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }

    /**
     * The URL with the password of {@code scheme://user:password@host} and the values of password-like query
     * parameters ({@code password=}, {@code sslpassword=}, ...) replaced by {@code ****}. Text that is not a URL
     * comes back as it is.
     */
    public static String maskUrl(String url) {
        return url == null ? null : ConnectionUrl.parse(url).masked();
    }

    /**
     * True when the value of the pass-through key {@code name} (without its {@code kafka.} prefix) must never be
     * printed: a Kafka setting of type PASSWORD, or a name no Kafka client knows (a misspelled secret is still a
     * secret). True for every key when no {@link PassthroughSecrets} is on the class path.
     */
    public static boolean isSecretPassthrough(String name) {
        if (PASSTHROUGH.isEmpty()) {
            return true;
        }
        return PASSTHROUGH.stream().anyMatch(p -> p.isSecret(name));
    }
}
