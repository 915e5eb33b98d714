package io.ferry.clients;

import io.ferry.core.config.SigningConfig;
import io.ferry.core.event.RecordConventions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Signs the records Ferry writes to its topics and checks the ones it reads, so that a record that
 * Ferry did not write is never applied, whoever could write the topic (a defence that does not rest
 * on Kafka's ACLs).
 *
 * <p>The signature is an HMAC-SHA256, with the key of {@code signing.key}, over the topic and the
 * partition (a record copied to another topic or partition no longer checks out), the record key, the
 * value and every {@code ferry.*} header but the signature itself, in the record's order, each
 * length-prefixed. It travels in the {@value RecordConventions#SIGNATURE_HEADER} header as
 * {@code v1:<key id>:<base64>}, where the key id (8 hex digits derived from the key, not the key)
 * names the key that signed, so that a key can be rotated while records signed with the earlier one
 * are still read ({@code docs/security.md}). Kafka's record timestamp and other headers are not
 * covered: Ferry reads neither.
 *
 * <p>Not thread-safe (it keeps its {@link Mac}s); each thread makes its own with {@link #of}.
 */
public final class RecordSigner {

    /** What checking one record found. */
    public enum Check {
        /** Signed with a known key, and nothing signed was changed. */
        VALID,
        /** No signature header. */
        UNSIGNED,
        /** Signed with a key this process does not hold (or a header that is not a signature). */
        UNKNOWN_KEY,
        /** Signed with a known key, but the record is not the one that was signed: forged or altered. */
        INVALID
    }

    private static final String VERSION = "v1";
    private static final byte[] DOMAIN = "ferry-record-signature-v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEY_ID_DOMAIN = "ferry-signing-key-id".getBytes(StandardCharsets.UTF_8);
    private static final String FERRY_HEADERS = "ferry.";

    /** By key id; the first is the key that signs. */
    private final Map<String, Mac> macs;
    private final String signingKeyId;
    private final boolean acceptUnsigned;

    private RecordSigner(List<byte[]> keys, boolean acceptUnsigned) {
        this.macs = new LinkedHashMap<>();
        for (byte[] key : keys) {
            Mac mac = mac(key);
            macs.putIfAbsent(HexFormat.of().formatHex(mac.doFinal(KEY_ID_DOMAIN), 0, 4), mac);
        }
        this.signingKeyId = macs.keySet().iterator().next();
        this.acceptUnsigned = acceptUnsigned;
    }

    /** A signer for {@code config}, or empty when signing is off. */
    public static Optional<RecordSigner> of(SigningConfig config) {
        return config.enabled() ? Optional.of(new RecordSigner(config.keys(), config.acceptUnsigned())) : Optional.empty();
    }

    /** The id of the key that signs, as it appears in the header: safe to log. */
    public String keyId() {
        return signingKeyId;
    }

    /** Whether a record without a signature is still to be applied ({@code signing.accept.unsigned}). */
    public boolean acceptsUnsigned() {
        return acceptUnsigned;
    }

    /**
     * Adds the signature of the record to {@code headers}, replacing any there was. Call it last, once
     * every other {@code ferry.*} header is in place, with the partition the record is sent to.
     */
    public void sign(String topic, int partition, byte[] key, byte[] value, Headers headers) {
        headers.remove(RecordConventions.SIGNATURE_HEADER);
        byte[] mac = compute(macs.get(signingKeyId), topic, partition, key, value, headers);
        headers.add(RecordConventions.SIGNATURE_HEADER, (VERSION + ":" + signingKeyId + ":"
                + Base64.getEncoder().encodeToString(mac)).getBytes(StandardCharsets.US_ASCII));
    }

    /** Checks a record as it was read: its topic, partition, key, value and headers. */
    public Check check(String topic, int partition, byte[] key, byte[] value, Headers headers) {
        List<Header> signatures = new ArrayList<>();
        headers.headers(RecordConventions.SIGNATURE_HEADER).forEach(signatures::add);
        if (signatures.isEmpty()) {
            return Check.UNSIGNED;
        }
        if (signatures.size() > 1 || signatures.get(0).value() == null) {
            return Check.INVALID;
        }
        String[] parts = new String(signatures.get(0).value(), StandardCharsets.US_ASCII).split(":", 3);
        Mac mac = parts.length == 3 && VERSION.equals(parts[0]) ? macs.get(parts[1]) : null;
        if (mac == null) {
            return Check.UNKNOWN_KEY;
        }
        byte[] claimed;
        try {
            claimed = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Check.INVALID;
        }
        byte[] actual = compute(mac, topic, partition, key, value, headers);
        return MessageDigest.isEqual(actual, claimed) ? Check.VALID : Check.INVALID;
    }

    /** The key id that a record's signature names, or null: for messages about a key this process lacks. */
    public static String keyIdOf(Headers headers) {
        Header h = headers.lastHeader(RecordConventions.SIGNATURE_HEADER);
        if (h == null || h.value() == null) {
            return null;
        }
        String[] parts = new String(h.value(), StandardCharsets.US_ASCII).split(":", 3);
        return parts.length == 3 && parts[1].matches("[0-9a-f]{8}") ? parts[1] : null;
    }

    private static byte[] compute(Mac mac, String topic, int partition, byte[] key, byte[] value, Headers headers) {
        mac.reset();
        mac.update(DOMAIN);
        bytes(mac, topic.getBytes(StandardCharsets.UTF_8));
        mac.update(ByteBuffer.allocate(4).putInt(partition).array());
        bytes(mac, key);
        bytes(mac, value);
        for (Header h : headers) {
            if (h.key().startsWith(FERRY_HEADERS) && !h.key().equals(RecordConventions.SIGNATURE_HEADER)) {
                bytes(mac, h.key().getBytes(StandardCharsets.UTF_8));
                bytes(mac, h.value());
            }
        }
        return mac.doFinal();
    }

    /** Length (-1 for null) then the bytes, so that no two different records feed the same stream. */
    private static void bytes(Mac mac, byte[] b) {
        mac.update(ByteBuffer.allocate(4).putInt(b == null ? -1 : b.length).array());
        if (b != null) {
            mac.update(b);
        }
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256, which every Java 17 JVM must have", e);
        }
    }
}
