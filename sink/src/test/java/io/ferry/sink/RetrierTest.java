package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.JdbcTarget;
import io.ferry.sink.dialect.SqlDialects;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {

    private final Retrier retrier = new Retrier(SqlDialects.forKind(JdbcTarget.Kind.POSTGRES), 4, Duration.ofMillis(1),
            Duration.ofMillis(2), new CountDownLatch(1));

    @Test
    void transientFailuresAreRetriedUntilTheWorkSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        String result = retrier.run("test work", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new SQLException("connection refused", "08001");
            }
            return "done";
        });
        assertEquals("done", result);
        assertEquals(3, calls.get());
    }

    @Test
    void itGivesUpAfterTheLastAttemptNamingTheOperation() {
        AtomicInteger calls = new AtomicInteger();
        SinkException e = assertThrows(SinkException.class, () -> retrier.run("applying 5 records", () -> {
            calls.incrementAndGet();
            throw new SQLException("connection refused", "08001");
        }));
        assertEquals(4, calls.get());
        assertTrue(e.getMessage().startsWith("applying 5 records failed 4 times"), e.getMessage());
        assertTrue(e.getCause() instanceof SQLException);
    }

    @Test
    void aFatalFailureIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThrows(SinkException.class, () -> retrier.run("x", () -> {
            calls.incrementAndGet();
            throw new SQLException("syntax error", "42601");
        }));
        assertEquals(1, calls.get());
    }
}
