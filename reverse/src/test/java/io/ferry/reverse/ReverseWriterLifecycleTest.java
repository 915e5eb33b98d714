package io.ferry.reverse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The writer's life cycle against an etcd that never answers (a stand-in client whose every read
 * fails), so without etcd or a database: its states, their log lines, bounded retries and close.
 */
class ReverseWriterLifecycleTest {

    private final Logger log = (Logger) LoggerFactory.getLogger(ReverseWriter.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Level level;

    @BeforeEach
    void capture() {
        level = log.getLevel();
        log.setLevel(Level.INFO);
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void release() {
        log.detachAppender(logged);
        log.setLevel(level);
    }

    @Test
    void closeTwiceIsSafeKeepsTheCallersInterruptAndRemovesTheMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ReverseWriter writer = writer(registry, 0);
        assertFalse(registry.find("ferry.reverse.state").gauges().isEmpty());
        writer.start();

        writer.close(); // declares no InterruptedException: callers need no catch
        writer.close();
        assertEquals(ReverseWriter.State.STOPPED, writer.state());
        assertTrue(registry.getMeters().isEmpty(), "meters left after close: " + registry.getMeters());
        assertEquals(1, lines(Level.INFO, "-> STOPPED"), "one line for the one change: " + logged.list);

        SimpleMeterRegistry other = new SimpleMeterRegistry();
        ReverseWriter interrupted = writer(other, 0);
        interrupted.start();
        Thread.currentThread().interrupt();
        interrupted.close();
        assertTrue(Thread.interrupted(), "an interrupt during close stays on the caller's thread");
        interrupted.close();
        assertEquals(ReverseWriter.State.STOPPED, interrupted.state());
        assertTrue(other.getMeters().isEmpty());

        ReverseWriter unstarted = writer(new SimpleMeterRegistry(), 0);
        unstarted.close();
        unstarted.close();
        assertEquals(ReverseWriter.State.STOPPED, unstarted.state());
    }

    @Test
    void retriesWarnWithTheAttemptAndGiveUpWithOneErrorAfterTheLimit() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ReverseWriter writer = writer(registry, 3);
        writer.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (writer.state() != ReverseWriter.State.FAILED && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(ReverseWriter.State.FAILED, writer.state(), "gave up after 3 attempts: " + logged.list);
            assertEquals(1, registry.get("ferry.reverse.state").tag("state", "failed").gauge().value());
            assertTrue(writer.failure().orElseThrow().getMessage().contains("gave up after 3 failed attempts in a row"),
                    writer.failure().orElseThrow().getMessage());

            assertEquals(1, lines(Level.WARN, "attempt 1/3"), logged.list.toString());
            assertEquals(1, lines(Level.WARN, "attempt 2/3"), logged.list.toString());
            assertEquals(2, lines(Level.WARN, ""), "one WARN per retry: " + logged.list);
            assertEquals(1, lines(Level.ERROR, ""), "one ERROR, when giving up: " + logged.list);
            assertTrue(logged.list.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                    && e.getThrowableProxy() != null), "no stack trace above DEBUG");
            // Two retries and the end, yet one line per change of state.
            assertEquals(1, lines(Level.INFO, "state WAITING -> RETRYING"), logged.list.toString());
            assertEquals(1, lines(Level.INFO, "state RETRYING -> FAILED"), logged.list.toString());
            assertEquals(2, lines(Level.INFO, "state "), logged.list.toString());
        } finally {
            writer.close();
        }
        assertEquals(ReverseWriter.State.FAILED, writer.state(), "failed stays failed after close");
        assertTrue(registry.getMeters().isEmpty());
    }

    private long lines(Level level, String containing) {
        return List.copyOf(logged.list).stream()
                .filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(containing)).count();
    }

    private static ReverseWriter writer(SimpleMeterRegistry registry, int maxAttempts) {
        FerryConfig config = FerryConfig.fromMap(Map.of("etcd.prefix", "/rev/",
                "sink.jdbc", "jdbc:postgresql://127.0.0.1:1/none?user=nobody",
                "reverse.retry.max.attempts", String.valueOf(maxAttempts)));
        CutoverConfig cutover = CutoverConfig.of(config);
        assertEquals(maxAttempts, cutover.reverseRetryMaxAttempts());
        return new ReverseWriter(unreachableEtcd(), ReverseTarget.of(config), "ferry.changes", cutover, registry);
    }

    /** A client whose every read fails, as it does while etcd is unreachable; its watch cannot start. */
    private static Client unreachableEtcd() {
        KV kv = (KV) Proxy.newProxyInstance(KV.class.getClassLoader(), new Class<?>[] {KV.class}, (p, m, args) -> switch (m.getName()) {
            case "get" -> CompletableFuture.failedFuture(new IOException("etcd is unreachable"));
            case "close" -> null;
            case "toString" -> "unreachable etcd";
            default -> throw new UnsupportedOperationException(m.getName());
        });
        return (Client) Proxy.newProxyInstance(Client.class.getClassLoader(), new Class<?>[] {Client.class}, (p, m, args) -> switch (m.getName()) {
            case "getKVClient" -> kv;
            case "close" -> null;
            case "toString" -> "unreachable etcd";
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }
}
