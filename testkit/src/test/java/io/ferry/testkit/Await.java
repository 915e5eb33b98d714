package io.ferry.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Awaitility for the waits whose failure must say what was last seen: polls a probe until its value
 * satisfies a condition, and on timeout fails with an {@link AssertionError} that names what was
 * awaited, the probe's last value and whatever context the caller adds (a process's log, say).
 * An exception the probe throws, an assertion among them (a process that died), fails at once.
 */
public final class Await {

    private Await() {
    }

    /** Polls {@code probe} every {@code poll}, first at once, until {@code done} holds of its value, which it returns. */
    public static <T> T until(String what, Duration limit, Duration poll, Callable<T> probe, Predicate<? super T> done,
                              Supplier<String> context) {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            return Awaitility.await(what).atMost(limit).pollDelay(Duration.ZERO).pollInterval(poll)
                    .until(() -> {
                        T value = probe.call();
                        last.set(value);
                        return value;
                    }, done::test);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not within " + limit + ": " + what + "; last seen: " + last.get() + context.get(), e);
        }
    }

    /** As above, with nothing more to say than the last value. */
    public static <T> T until(String what, Duration limit, Duration poll, Callable<T> probe, Predicate<? super T> done) {
        return until(what, limit, poll, probe, done, () -> "");
    }
}
