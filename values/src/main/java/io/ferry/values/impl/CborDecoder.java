package io.ferry.values.impl;

import io.ferry.values.DecodeFailure;
import io.ferry.values.DecodeResult;
import java.io.IOException;

/** Reads one CBOR data item into a JSON document; see {@link CborTree} for how CBOR's extras map to JSON. */
public final class CborDecoder implements Decoder {

    @Override
    public DecodeResult decode(Slice value) {
        if (value.isEmpty()) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "cbor: empty value");
        }
        try {
            return DecodeResult.decoded(CborTree.read(value, false));
        } catch (IOException e) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "cbor: not CBOR ("
                    + (value.decrypted() ? e.getClass().getSimpleName() : Printable.message(e.getMessage(), 160)) + ")");
        }
    }

    @Override
    public String describe() {
        return "cbor";
    }
}
