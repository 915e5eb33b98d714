package io.ferry.core.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A URL with credentials in it, split where its user and password are: {@code scheme://user:password@hosts/path?query}
 * (JDBC URLs, platform connection strings) or {@code scheme:path?user=..&password=..}.
 *
 * <p>Written by hand rather than with {@link java.net.URI}, which rejects a password holding {@code %}, {@code /}, a
 * space or {@code @} and then echoes the whole URL in its message. Here the user information ends at the {@code @}
 * that is followed by a host list ({@code host[:port][,host[:port]...]}), so such passwords are found and masked. When
 * no such {@code @} can be found although the authority is not a plain host list, everything after {@code //} counts
 * as credentials: masking too much is safe, showing a password is not.
 *
 * @param head the scheme and {@code //}, such as {@code jdbc:postgresql://}; empty when the URL has no authority
 * @param userInfo the raw (percent-encoded) {@code user[:password]}, if any
 * @param rest what follows: hosts, path and query (for a URL without authority, all of it)
 * @param readable false when the authority could not be told apart from credentials; {@code rest} is then empty
 */
record ConnectionUrl(String head, Optional<String> userInfo, String rest, boolean readable) {

    static ConnectionUrl parse(String url) {
        int slashes = url.indexOf("//");
        if (slashes < 0 || !isSchemeChain(url.substring(0, slashes))) {
            return new ConnectionUrl("", Optional.empty(), url, true);
        }
        String head = url.substring(0, slashes + 2);
        String after = url.substring(slashes + 2);
        String first = after.substring(0, endOfSegment(after, 0));
        if (first.indexOf('@') < 0 && isHostList(first)) {
            return new ConnectionUrl(head, Optional.empty(), after, true);
        }
        int at = credentialsEnd(after);
        if (at < 0) {
            return new ConnectionUrl(head, Optional.of(after), "", false);
        }
        return new ConnectionUrl(head, Optional.of(after.substring(0, at)), after.substring(at + 1), true);
    }

    /** The user name, percent-decoded, if the URL has one. */
    Optional<String> user() {
        return userInfo.map(i -> decode(i.indexOf(':') < 0 ? i : i.substring(0, i.indexOf(':'))));
    }

    /** The password, percent-decoded, if the URL has one. */
    Optional<String> password() {
        return userInfo.filter(i -> i.indexOf(':') >= 0).map(i -> decode(i.substring(i.indexOf(':') + 1)));
    }

    /**
     * Every secret the URL holds, as written and percent-decoded: the password of its user information (or the
     * whole authority when it cannot be told apart) and the values of password-like parameters.
     */
    List<String> secrets() {
        List<String> out = new ArrayList<>();
        if (!readable) {
            userInfo.ifPresent(out::add);
        } else {
            userInfo.filter(i -> i.indexOf(':') >= 0).map(i -> i.substring(i.indexOf(':') + 1)).ifPresent(out::add);
        }
        int q = rest.indexOf('?');
        if (q >= 0) {
            String[] parts = rest.substring(q + 1).split("&", -1);
            for (int i = 0; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq >= 0 && isSecretParameter(parts[i].substring(0, eq))) {
                    StringBuilder value = new StringBuilder(parts[i].substring(eq + 1));
                    for (int j = i + 1; j < parts.length && parts[j].indexOf('=') < 0; j++) {
                        value.append('&').append(parts[j]); // an unencoded '&' inside the value, as maskQuery reads it
                    }
                    out.add(value.toString());
                }
            }
        }
        List<String> decoded = out.stream().map(ConnectionUrl::decode).toList();
        out.addAll(decoded);
        return out;
    }

    /** The host list, such as {@code db:5432} or {@code h1:3306,h2:3306}; empty for a URL without authority. */
    String hosts() {
        return head.isEmpty() ? "" : rest.substring(0, endOfSegment(rest, 0));
    }

    /** The URL with its password and every password-like query parameter replaced by {@code ****}. */
    String masked() {
        if (!readable) {
            return head + "****";
        }
        String info = userInfo.map(i -> (i.indexOf(':') < 0 ? i : i.substring(0, i.indexOf(':')) + ":****") + "@")
                .orElse("");
        return head + info + maskQuery(rest);
    }

    /**
     * Masks the values of password-like parameters ({@code password=}, {@code sslpassword=}, {@code pwd=}, ...). A
     * part without {@code =} continues the value before it, as in a password holding an unencoded {@code &}.
     */
    private static String maskQuery(String text) {
        int q = text.indexOf('?');
        if (q < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.substring(0, q + 1));
        boolean masking = false;
        String[] parts = text.substring(q + 1).split("&", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            int eq = part.indexOf('=');
            if (eq < 0 && masking) {
                continue; // swallowed into the masked value before it
            }
            if (i > 0) {
                out.append('&');
            }
            masking = eq >= 0 && isSecretParameter(part.substring(0, eq));
            out.append(masking ? part.substring(0, eq + 1) + "****" : part);
        }
        return out.toString();
    }

    private static boolean isSecretParameter(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("pass") || n.equals("pwd") || n.contains("secret") || n.contains("token");
    }

    /** {@code jdbc:postgresql:}, {@code postgresql:}: letters, digits, '+', '-', '.' between colons, ending in one. */
    private static boolean isSchemeChain(String s) {
        if (s.isEmpty() || !s.endsWith(":") || !Character.isLetter(s.charAt(0))) {
            return false;
        }
        for (char c : s.toCharArray()) {
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.' || c == ':')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the user information ends: the last {@code @} before the query that a host list follows, or when the
     * password itself holds a {@code ?}, the first such {@code @} after it. -1 when there is none.
     */
    private static int credentialsEnd(String after) {
        int query = after.indexOf('?');
        int limit = query < 0 ? after.length() : query;
        for (int at = after.lastIndexOf('@', limit - 1); at >= 0; at = after.lastIndexOf('@', at - 1)) {
            if (isHostList(after.substring(at + 1, endOfSegment(after, at + 1)))) {
                return at;
            }
        }
        for (int at = after.indexOf('@', limit); at >= 0 && query >= 0; at = after.indexOf('@', at + 1)) {
            if (isHostList(after.substring(at + 1, endOfSegment(after, at + 1)))) {
                return at;
            }
        }
        return -1;
    }

    private static int endOfSegment(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                return i;
            }
        }
        return s.length();
    }

    /** {@code host[:port]} or {@code [v6][:port]}, comma-separated. */
    static boolean isHostList(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (String host : s.split(",", -1)) {
            if (!isHost(host)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHost(String h) {
        String name = h;
        String port = null;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return false;
            }
            String v6 = h.substring(1, close);
            if (v6.isEmpty() || !v6.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return false;
            }
            String tail = h.substring(close + 1);
            if (tail.isEmpty()) {
                return true;
            }
            if (!tail.startsWith(":")) {
                return false;
            }
            return isPort(tail.substring(1));
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            name = h.substring(0, colon);
            port = h.substring(colon + 1);
        }
        if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
            return false;
        }
        return port == null || isPort(port);
    }

    private static boolean isPort(String p) {
        return !p.isEmpty() && p.length() <= 5 && p.chars().allMatch(Character::isDigit);
    }

    /**
     * Percent-decodes leniently: {@code %} followed by two hex digits is a byte, any other {@code %} is itself, so a
     * password written unencoded still works and a decoding error never quotes it.
     */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length && Character.digit(bytes[i + 1], 16) >= 0 && Character.digit(bytes[i + 2], 16) >= 0) {
                out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return masked();
    }
}
