package io.ferry.core;

/**
 * Root of Ferry's small exception hierarchy. Every Ferry failure names what failed and what
 * the operator can do about it; the cause is always chained.
 */
public class FerryException extends RuntimeException {

    public FerryException(String message) {
        super(message);
    }

    public FerryException(String message, Throwable cause) {
        super(message, cause);
    }
}
