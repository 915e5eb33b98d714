package io.ferry.cli;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A long-running component as the runner sees it.
 *
 * @param name for logs and health messages
 * @param component what to close on shutdown
 * @param state its current state, for status
 * @param failure why it failed for good, if it did
 * @param caughtUp whether it is in its steady state (watcher streaming, sink running)
 * @param notReady why it is not ready although it is in its steady state (a sink partition halted or lagging), if so
 */
record Service(String name, AutoCloseable component, Supplier<String> state, Supplier<Optional<Throwable>> failure,
               BooleanSupplier caughtUp, Supplier<Optional<String>> notReady) {

    /** A component that is ready whenever it is caught up. */
    Service(String name, AutoCloseable component, Supplier<String> state, Supplier<Optional<Throwable>> failure,
            BooleanSupplier caughtUp) {
        this(name, component, state, failure, caughtUp, Optional::empty);
    }
}
