package io.ferry.values.impl;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.ferry.values.DecodeFailure;
import io.ferry.values.DecodeResult;
import java.io.IOException;

/**
 * Parses the bytes as one JSON document (UTF-8), with nothing after it. Also the fallback of the protobuf
 * decoder for a Diego envelope that holds JSON.
 */
public final class JsonDecoder implements Decoder {

    /** One reader for every chain: Jackson's readers are immutable and thread-safe. */
    static final ObjectReader READER = new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public DecodeResult decode(Slice value) {
        if (value.format() == Slice.Format.PROTOBUF) {
            return DecodeResult.failed(DecodeFailure.WRONG_TYPE, "json: the Diego envelope says the model is protobuf "
                    + "(format 2); decode it with {protobuf: {descriptors: <file>, message: <type>}} after diego");
        }
        return parse(value, "json");
    }

    /** The slice as one JSON document; the failure names {@code step}. */
    static DecodeResult parse(Slice value, String step) {
        if (value.isEmpty()) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, step + ": empty value");
        }
        try {
            JsonNode root = READER.readTree(value.array(), value.offset(), value.length());
            if (root == null || root.isMissingNode()) {
                return DecodeResult.failed(DecodeFailure.UNDECODABLE, step + ": no JSON value (only white space)");
            }
            return DecodeResult.decoded(root);
        } catch (JsonProcessingException e) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, step + ": not JSON" + where(e.getLocation())
                    + (value.decrypted() ? "" : " (" + Printable.message(e.getOriginalMessage(), 160) + ")"));
        } catch (IOException e) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, step + ": not JSON (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String where(JsonLocation at) {
        if (at == null || at.getByteOffset() < 0) {
            return "";
        }
        return " at byte " + at.getByteOffset();
    }

    @Override
    public String describe() {
        return "json";
    }
}
