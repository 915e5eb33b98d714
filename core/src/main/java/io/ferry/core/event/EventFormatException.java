package io.ferry.core.event;

import io.ferry.core.FerryException;

/** A record on a change topic that is not a valid Ferry envelope. */
public final class EventFormatException extends FerryException {

    public EventFormatException(String message) {
        super(message);
    }

    public EventFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
