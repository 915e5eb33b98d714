package io.ferry.cli;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code FERRY_LOG_FORMAT}: {@code text} (the default, one line per event with an ISO 8601 time) or
 * {@code json} (one JSON object per line, for log shippers). logback.xml includes
 * {@code io/ferry/cli/logback-<format>.xml} named by the system property {@code ferry.log.format},
 * which must be set before the first logger is made; an unknown value would leave logback without
 * its appender, and so the process without a log.
 */
final class LogFormat {

    static final String ENV = "FERRY_LOG_FORMAT";
    static final String PROPERTY = "ferry.log.format";
    /** One logback-&lt;format&gt;.xml beside logback.xml for each. */
    private static final Set<String> FORMATS = Set.of("text", "json");

    private LogFormat() {
    }

    /** Sets {@code ferry.log.format} from {@code env}, or returns the one line that says what is wrong. */
    static Optional<String> apply(Function<String, String> env) {
        String value = env.apply(ENV);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String format = value.strip().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            return Optional.of(ENV + "=" + value.strip() + " is not a log format: use text (the default) or json");
        }
        System.setProperty(PROPERTY, format);
        return Optional.empty();
    }
}
