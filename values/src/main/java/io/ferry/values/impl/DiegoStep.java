package io.ferry.values.impl;

import io.ferry.values.DecodeFailure;
import io.ferry.values.DecodeResult;
import java.util.Base64;

/**
 * Reads Cloud Foundry Diego BBS's framing of a model, as its {@code format} package writes and reads it, and
 * leaves the model's bytes with their format ({@link Slice.Format#JSON} or {@link Slice.Format#PROTOBUF}).
 *
 * <ol>
 *   <li>Encoding: a value whose first byte is an ASCII digit starts with a two-character encoding:
 *       {@code 00} unencoded, {@code 01} base64, {@code 02} base64 of a blob sealed with AES-GCM
 *       ({@link KeyRing}); any other pair is unknown. A value whose first byte is not a digit is the
 *       oldest, unencoded form, read as it is.</li>
 *   <li>Envelope: then a format byte ({@code 1} JSON, {@code 2} protobuf) and a version byte (0 to 3; the
 *       BBS has written 0 since it gave up model versions), then the model. Bytes without that envelope are
 *       legacy JSON (format 0), the model itself.</li>
 * </ol>
 */
public final class DiegoStep implements Step {

    private static final int FORMAT_JSON = 1;
    private static final int FORMAT_PROTOBUF = 2;
    private static final int MAX_VERSION = 3;

    private final KeyRing keys;

    public DiegoStep(KeyRing keys) {
        this.keys = keys;
    }

    @Override
    public DecodeResult apply(Slice value) {
        if (value.isEmpty()) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "diego: empty value");
        }
        if (value.at(0) >= '0' && value.at(0) <= '9') {
            DecodeResult failure = decodeEncoding(value);
            if (failure != null) {
                return failure;
            }
        }
        if (value.length() >= 2 && (value.at(0) == FORMAT_JSON || value.at(0) == FORMAT_PROTOBUF)) {
            int format = value.at(0);
            int version = value.at(1);
            if (version > MAX_VERSION) {
                return DecodeResult.failed(DecodeFailure.UNDECODABLE, "diego: envelope of format " + format
                        + " with version " + version + ", but the BBS wrote versions 0 to " + MAX_VERSION);
            }
            value.skip(2);
            value.format(format == FORMAT_JSON ? Slice.Format.JSON : Slice.Format.PROTOBUF);
        } else {
            value.format(Slice.Format.JSON);
        }
        return null;
    }

    private DecodeResult decodeEncoding(Slice value) {
        if (value.length() < 2 || value.at(0) != '0' || value.at(1) < '0' || value.at(1) > '2') {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "diego: unknown encoding '" + value.preview()
                    + "': BBS values start with 00 (unencoded), 01 (base64) or 02 (base64 of an AES-GCM blob)");
        }
        int encoding = value.at(1);
        value.skip(2);
        if (encoding == '0') {
            return null;
        }
        DecodeResult failure = Base64Step.decodeInPlace(value, Base64.getDecoder(), "diego (encoding 0" + (char) encoding + ")");
        if (failure != null || encoding == '1') {
            return failure;
        }
        return keys.open(value, "diego");
    }

    @Override
    public boolean decrypts() {
        return !keys.labels().isEmpty();
    }

    @Override
    public String describe() {
        return keys.labels().isEmpty() ? "diego" : "diego(keys: " + String.join(", ", keys.labels()) + ")";
    }
}
