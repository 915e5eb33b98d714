package io.ferry.cli.preflight;

/**
 * One line of {@code ferry check --connect}: what was checked, how it came out and, when it did not
 * pass, what to do.
 *
 * @param mark how it came out
 * @param subject the server and the thing checked, such as {@code etcd read /registry/}
 * @param text what was found; for a failure or a warning, with the fix
 */
public record Finding(Mark mark, String subject, String text) {

    /** Only {@link #FAIL} makes the check exit 2; a {@link #NOTE} says what the check could not see. */
    public enum Mark { OK, NOTE, WARN, FAIL }

    static Finding ok(String subject, String text) {
        return new Finding(Mark.OK, subject, text);
    }

    static Finding warn(String subject, String text) {
        return new Finding(Mark.WARN, subject, text);
    }

    static Finding fail(String subject, String text) {
        return new Finding(Mark.FAIL, subject, text);
    }

    /** For example {@code   FAIL  etcd read /v2/: permission denied ...}. */
    String line() {
        return String.format("  %-5s %s: %s", mark == Mark.OK ? "ok" : mark.name(), subject, text);
    }
}
