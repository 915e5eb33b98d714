package io.ferry.values.impl;

/** Bytes and strings from a value made safe to put in a log line or a failure reason. */
public final class Printable {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Printable() {
    }

    /** Printable ASCII as it is, every other byte as {@code \xNN}; quotes and backslashes escaped. */
    public static String bytes(byte[] b, int offset, int length) {
        StringBuilder sb = new StringBuilder(length + 8);
        for (int i = offset; i < offset + length; i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
                sb.append((char) c);
            } else {
                sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }

    /** {@link #bytes} of a string's UTF-8, cut to {@code max} bytes. */
    public static String text(String s, int max) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return bytes(b, 0, Math.min(b.length, max)) + (b.length > max ? "..." : "");
    }

    /** A message cut to {@code max} characters on one line, for quoting a library's error. */
    public static String message(String m, int max) {
        if (m == null) {
            return "";
        }
        String oneLine = m.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "...";
    }
}
