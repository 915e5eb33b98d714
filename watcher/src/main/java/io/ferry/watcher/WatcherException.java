package io.ferry.watcher;

import io.ferry.core.FerryException;

/** The watcher cannot go on: the message names what failed and what the operator can do. */
public class WatcherException extends FerryException {

    public WatcherException(String message) {
        super(message);
    }

    public WatcherException(String message, Throwable cause) {
        super(message, cause);
    }
}
