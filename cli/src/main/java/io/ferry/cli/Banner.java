package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import org.slf4j.Logger;

/** The start-up lines: where the configuration came from and what is in force, secrets masked. */
final class Banner {

    private Banner() {
    }

    static void logConfig(Logger log, String source, FerryConfig c) {
        log.info("Configuration from {}:", source);
        c.describe().forEach(line -> log.info("  {}", line));
    }
}
