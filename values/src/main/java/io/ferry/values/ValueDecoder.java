package io.ferry.values;

import io.ferry.values.impl.Decoder;
import io.ferry.values.impl.JsonDecoder;
import io.ferry.values.impl.Printable;
import io.ferry.values.impl.Slice;
import io.ferry.values.impl.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an etcd value into a JSON document through the decoder chain of one mapping: steps that take off or
 * transform bytes (strip, base64, Diego's framing, decryption), then one decoder (JSON, protobuf, Kubernetes,
 * CBOR). Built by {@link DecodeChainParser} from a mapping's {@code decode} setting; JSON alone when there is
 * none.
 *
 * <p>{@link #decode} never throws for any input: a value that cannot be decoded comes back as a
 * {@link DecodeResult} with a {@link DecodeFailure} and a reason. Thread-safe; build one per mapping and keep
 * it: it holds the parsed descriptors, the keys and the parsers, so a value costs only its own parsing.
 */
public final class ValueDecoder {

    private static final ValueDecoder JSON = new ValueDecoder(List.of(), new JsonDecoder());

    private final Step[] steps;
    private final Decoder decoder;
    private final String description;

    ValueDecoder(List<Step> steps, Decoder decoder) {
        this.steps = steps.toArray(new Step[0]);
        this.decoder = decoder;
        List<String> parts = new ArrayList<>();
        steps.forEach(s -> parts.add(s.describe()));
        parts.add(decoder.describe());
        this.description = String.join(" | ", parts);
    }

    /** The chain of a mapping without {@code decode}: the value is JSON. */
    public static ValueDecoder json() {
        return JSON;
    }

    /**
     * Decodes one value.
     *
     * @param value the value's bytes, as etcd holds them
     * @return the document, or why there is none; never null
     */
    public DecodeResult decode(byte[] value) {
        if (value == null) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "no value (a delete has nothing to decode)");
        }
        Slice slice = new Slice(value);
        String at = description;
        try {
            for (Step step : steps) {
                at = step.describe();
                DecodeResult failure = step.apply(slice);
                if (failure != null) {
                    return failure;
                }
            }
            at = decoder.describe();
            return decoder.decode(slice);
        } catch (RuntimeException e) {
            // The steps report what they expect; this is the net for what a library throws unexpectedly.
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, at + ": failed unexpectedly ("
                    + e.getClass().getName() + (slice.decrypted() ? "" : ": " + Printable.message(e.getMessage(), 200)) + ")");
        }
    }

    /**
     * Whether the chain may decrypt values (it has a key ring): a caller must then not quote what the document
     * holds in its own messages, as the decoders never quote decrypted bytes.
     */
    public boolean decrypts() {
        for (Step step : steps) {
            if (step.decrypts()) {
                return true;
            }
        }
        return false;
    }

    /** The chain, as {@code diego(keys: k1) | protobuf(pkg.Type from /path)}; holds no secret. */
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return describe();
    }
}
