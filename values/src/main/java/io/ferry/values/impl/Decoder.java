package io.ferry.values.impl;

import io.ferry.values.DecodeResult;

/** The last element of a chain: turns the remaining bytes into a document. Must not throw for any input. */
public interface Decoder {

    DecodeResult decode(Slice value);

    /** How the decoder shows in logs and {@code ValueDecoder.describe()}. */
    String describe();
}
