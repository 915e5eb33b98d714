package io.ferry.values.impl;

import io.ferry.values.DecodeFailure;
import io.ferry.values.DecodeResult;
import java.nio.ByteBuffer;
import java.util.Base64;

/** Decodes base64 (RFC 4648, standard or URL-safe alphabet; padding optional). */
public final class Base64Step implements Step {

    private final boolean url;
    private final Base64.Decoder decoder;

    public Base64Step(boolean url) {
        this.url = url;
        this.decoder = url ? Base64.getUrlDecoder() : Base64.getDecoder();
    }

    @Override
    public DecodeResult apply(Slice value) {
        return decodeInPlace(value, decoder, describe());
    }

    /** Replaces the slice's bytes by their base64 decoding; the failure names {@code step}. */
    static DecodeResult decodeInPlace(Slice value, Base64.Decoder decoder, String step) {
        try {
            ByteBuffer out = decoder.decode(ByteBuffer.wrap(value.array(), value.offset(), value.length()));
            byte[] decoded = out.hasArray() && out.arrayOffset() == 0 && out.remaining() == out.array().length
                    ? out.array() : toArray(out);
            value.replace(decoded);
            return null;
        } catch (IllegalArgumentException e) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, step + ": not base64 ("
                    + Printable.message(e.getMessage(), 120) + ")");
        }
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Override
    public String describe() {
        return url ? "base64url" : "base64";
    }
}
