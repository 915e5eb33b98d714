package io.ferry.values.impl;

/**
 * Formats nanoseconds as Go's {@code time.Duration.String()} does ({@code "1h0m0s"}, {@code "1.5s"},
 * {@code "300ms"}, {@code "0s"}), which is how Kubernetes writes a {@code metav1.Duration} in JSON.
 */
final class GoDuration {

    private static final long MICRO = 1_000L;
    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private GoDuration() {
    }

    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder(nanos < 0 ? "-" : "");
        // Long.MIN_VALUE has no positive counterpart: work on its magnitude as unsigned.
        long u = nanos < 0 ? -nanos : nanos;
        if (Long.compareUnsigned(u, SECOND) < 0) {
            if (u < MICRO) {
                return sb.append(u).append("ns").toString();
            }
            if (u < MILLI) {
                return fraction(sb, u, MICRO, 3).append("µs").toString();
            }
            return fraction(sb, u, MILLI, 6).append("ms").toString();
        }
        long seconds = Long.divideUnsigned(u, SECOND);
        long rest = Long.remainderUnsigned(u, SECOND);
        long hours = seconds / 3600;
        long minutes = seconds / 60 % 60;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        sb.append(seconds % 60);
        appendFraction(sb, rest, 9);
        return sb.append('s').toString();
    }

    private static StringBuilder fraction(StringBuilder sb, long value, long unit, int digits) {
        sb.append(value / unit);
        appendFraction(sb, value % unit, digits);
        return sb;
    }

    /** Appends {@code .ddd} of a fraction with {@code digits} digits, without trailing zeros; nothing for zero. */
    private static void appendFraction(StringBuilder sb, long fraction, int digits) {
        if (fraction == 0) {
            return;
        }
        String s = Long.toString(fraction);
        s = "0".repeat(digits - s.length()) + s;
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        sb.append('.').append(s, 0, end);
    }
}
