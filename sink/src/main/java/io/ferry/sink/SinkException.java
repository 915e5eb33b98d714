package io.ferry.sink;

import io.ferry.core.FerryException;

/** The sink cannot go on: it names what failed and what to do; the cause is chained. */
public final class SinkException extends FerryException {

    public SinkException(String message) {
        super(message);
    }

    public SinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
