package io.ferry.values.impl;

import io.ferry.values.DecodeResult;

/**
 * One step before the decoder: takes bytes off the slice or transforms them. A step must not throw for any
 * input; it says what is wrong in the result it returns.
 */
public interface Step {

    /** Consumes or transforms {@code value}; null to go on, or the failure that ends the chain. */
    DecodeResult apply(Slice value);

    /** How the step shows in logs and {@code ValueDecoder.describe()}; never holds a secret. */
    String describe();

    /** Whether the step may decrypt: then what comes after it is secret, and nothing may quote it. */
    default boolean decrypts() {
        return false;
    }
}
