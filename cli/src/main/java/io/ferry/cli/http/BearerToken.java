package io.ferry.cli.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

/**
 * The endpoint's token ({@code http.token}), checked against a request's {@code Authorization} header:
 * {@code Bearer <token>} for scrapers and scripts, or {@code Basic} with the token as the password (any
 * user name), which is what a browser sends after asking, so that the status page can be opened by hand.
 * Compared in constant time.
 */
final class BearerToken {

    private final byte[] token;

    BearerToken(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code authorization} (the header's value, or null) carries the token. */
    boolean admits(String authorization) {
        if (authorization == null) {
            return false;
        }
        String header = authorization.trim();
        int space = header.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
        String credentials = header.substring(space + 1).trim();
        return switch (scheme) {
            case "bearer" -> matches(credentials);
            case "basic" -> matches(basicPassword(credentials));
            default -> false;
        };
    }

    private static String basicPassword(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? "" : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private boolean matches(String offered) {
        return MessageDigest.isEqual(token, offered.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BearerToken[****]";
    }
}
