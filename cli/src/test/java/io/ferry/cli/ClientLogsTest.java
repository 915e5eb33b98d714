package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One-shot commands quiet the Kafka clients' connection warnings; long-running ones keep them (issue 23). */
class ClientLogsTest {

    private final Logger kafka = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.apache.kafka");
    private final Level before = kafka.getLevel();

    @AfterEach
    void restore() {
        kafka.setLevel(before);
    }

    @Test
    void longRunningCommandsKeepTheKafkaClientsWarnings() {
        for (String command : ClientLogs.LONG_RUNNING) {
            kafka.setLevel(Level.WARN);
            ClientLogs.forCommand(command);
            assertEquals(Level.WARN, kafka.getLevel(), command);
        }
    }

    @Test
    void oneShotCommandsKeepOnlyTheirErrors() {
        for (String command : new String[] {"status", "reconcile", "replay", "cutover", "rollback", "finish", "check"}) {
            kafka.setLevel(Level.WARN);
            ClientLogs.forCommand(command);
            assertEquals(Level.ERROR, kafka.getLevel(), command);
        }
    }
}
