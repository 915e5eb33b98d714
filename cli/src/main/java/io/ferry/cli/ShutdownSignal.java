package io.ferry.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Connects the one JVM shutdown hook, registered in {@link Ferry#main}, to the command that is
 * running: the hook asks the command to stop, then waits, bounded, until it has closed everything.
 */
final class ShutdownSignal {

    private static final CountDownLatch REQUESTED = new CountDownLatch(1);
    private static final CountDownLatch CLOSED = new CountDownLatch(1);

    private ShutdownSignal() {
    }

    static void request() {
        REQUESTED.countDown();
    }

    static boolean requested() {
        return REQUESTED.getCount() == 0;
    }

    /** Waits up to {@code d} for a stop request; true if one came. */
    static boolean await(Duration d) throws InterruptedException {
        return REQUESTED.await(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    static void closed() {
        CLOSED.countDown();
    }

    static void awaitClosed(Duration d) {
        try {
            CLOSED.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
