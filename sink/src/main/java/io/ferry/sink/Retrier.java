package io.ferry.sink;

import io.ferry.clients.JdbcFailures;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries database work that failed for a transient reason, with exponential back-off. Only
 * work that is safe to repeat comes here: every batch is, because rows are guarded by revision
 * and the offsets are fenced in the same transaction. Whether a failure is transient is decided
 * by the dialect, walking the cause chain.
 */
final class Retrier {

    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    /** Database work on a fresh connection. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    private final SqlDialect dialect;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final CountDownLatch stopped;

    Retrier(SqlDialect dialect, int maxAttempts, Duration backoff, Duration maxBackoff, CountDownLatch stopped) {
        this.dialect = dialect;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
        this.stopped = stopped;
    }

    <T> T run(String operation, Work<T> work) {
        long delay = backoff.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (SQLException e) {
                if (!isTransient(e)) {
                    throw new SinkException(operation + " failed: " + e.getMessage() + " (SQLState " + e.getSQLState()
                            + "). This is not a transient error; fix the database or the data and restart the sink.", e);
                }
                if (attempt >= maxAttempts) {
                    throw new SinkException(operation + " failed " + attempt + " times; last error: " + e.getMessage()
                            + ". Check that the database is up, or raise sink.retry.max.attempts.", e);
                }
                LOG.warn("{} failed, attempt {}/{}: {}; retrying in {} ms", operation, attempt, maxAttempts,
                        e.getMessage(), delay);
                pause(operation, delay);
                delay = Math.min(delay * 2, maxBackoff.toMillis());
            }
        }
    }

    boolean isTransient(Throwable t) {
        if (JdbcFailures.isConfiguration(t)) {
            return false; // a TLS failure is an IOException, but no retry fixes a certificate or a password
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            for (Throwable s : c.getSuppressed()) {
                if (s != c && isTransient(s)) {
                    return true; // e.g. the rollback after the failure found the connection gone
                }
            }
            if (c instanceof SQLException s) {
                if (dialect.isTransient(s)) {
                    return true;
                }
                for (SQLException n = s.getNextException(); n != null; n = n.getNextException()) {
                    if (dialect.isTransient(n)) {
                        return true;
                    }
                }
            }
            if (c instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    private void pause(String operation, long millis) {
        try {
            if (stopped.await(millis, TimeUnit.MILLISECONDS)) {
                throw new SinkException(operation + " abandoned: the sink is stopping");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkException(operation + " interrupted while backing off", e);
        }
    }
}
