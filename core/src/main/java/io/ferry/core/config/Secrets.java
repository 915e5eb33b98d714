package io.ferry.core.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Keeps secrets out of logs and error messages. */
public final class Secrets {

    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@\\s]+:)([^@/\\s]+)(@)");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("((?:password|pass|pwd)=)([^&;\\s]+)",
            Pattern.CASE_INSENSITIVE);

    private Secrets() {
    }

    /** Masks the password in {@code scheme://user:pass@host} and in {@code password=} parameters. */
    public static String maskUrl(String text) {
        String masked = URL_PASSWORD.matcher(text).replaceAll("$1****$3");
        return PASSWORD_PARAM.matcher(masked).replaceAll("$1****");
    }

    /** True for passthrough keys that carry credentials, such as {@code sasl.jaas.config}. */
    public static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token");
    }
}
