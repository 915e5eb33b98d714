package io.ferry.values.impl;

import io.ferry.values.DecodeFailure;
import io.ferry.values.DecodeResult;

/** Takes a fixed prefix (text or magic bytes) off the value; a value without it fails, unless it is optional. */
public final class StripStep implements Step {

    private final byte[] prefix;
    private final boolean optional;

    public StripStep(byte[] prefix, boolean optional) {
        this.prefix = prefix.clone();
        this.optional = optional;
    }

    @Override
    public DecodeResult apply(Slice value) {
        if (value.startsWith(prefix)) {
            value.skip(prefix.length);
            return null;
        }
        if (optional) {
            return null;
        }
        return DecodeResult.failed(DecodeFailure.UNDECODABLE, "strip: value does not start with '"
                + Printable.bytes(prefix, 0, prefix.length) + "' (it starts with '" + value.preview() + "')");
    }

    @Override
    public String describe() {
        return "strip('" + Printable.bytes(prefix, 0, prefix.length) + "'" + (optional ? ", optional" : "") + ")";
    }
}
