package io.ferry.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The Kafka clients log a WARN line for every failed connection attempt, several a second. A
 * long-running process keeps them (they show a broker going away and coming back); a one-shot
 * command (status, reconcile, cutover, ...) ends with its own line naming the endpoint that failed,
 * so their dozens of lines before it only bury it. {@code FERRY_LOG_LEVEL=DEBUG} keeps them.
 */
final class ClientLogs {

    /** The commands that run until stopped; every other command is one-shot. */
    static final Set<String> LONG_RUNNING = Set.of("run", "watch", "sink", "reverse", "demo");

    private ClientLogs() {
    }

    static void forCommand(String name) {
        if (LONG_RUNNING.contains(name) || isDebug(System.getenv("FERRY_LOG_LEVEL"))) {
            return;
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger("org.apache.kafka").setLevel(Level.ERROR);
        }
    }

    private static boolean isDebug(String level) {
        return level != null && (level.equalsIgnoreCase("DEBUG") || level.equalsIgnoreCase("TRACE") || level.equalsIgnoreCase("ALL"));
    }
}
