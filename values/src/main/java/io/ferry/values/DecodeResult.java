package io.ferry.values;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What decoding one value gave: either the document, or a failure with a reason a person can act on. A
 * failure is a value, not an exception, so that the caller can keep the raw bytes, record the failure and
 * go on with the next record.
 *
 * @param document the decoded document (a JSON tree, read by JSON pointers and stored as a JSON column), or
 *     null when decoding failed
 * @param failure why decoding failed, or null when it succeeded
 * @param reason what went wrong, naming the chain step ({@code "diego: ..."}); null when decoding succeeded.
 *     It never quotes decrypted bytes or keys.
 */
public record DecodeResult(JsonNode document, DecodeFailure failure, String reason) {

    public DecodeResult {
        if ((document == null) == (failure == null)) {
            throw new IllegalArgumentException("a result holds either a document or a failure");
        }
        if (failure != null) {
            Objects.requireNonNull(reason, "a failure needs a reason");
        }
    }

    /** A value that decoded into {@code document}. */
    public static DecodeResult decoded(JsonNode document) {
        return new DecodeResult(Objects.requireNonNull(document, "document"), null, null);
    }

    /** A value that could not be decoded. */
    public static DecodeResult failed(DecodeFailure failure, String reason) {
        return new DecodeResult(null, Objects.requireNonNull(failure, "failure"), reason);
    }

    /** Whether the value decoded. */
    public boolean ok() {
        return failure == null;
    }

    @Override
    public String toString() {
        return ok() ? "decoded" : failure.tag() + ": " + reason;
    }
}
