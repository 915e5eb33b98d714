package io.ferry.values.impl;

import io.ferry.values.DecodeFailure;
import io.ferry.values.DecodeResult;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Diego BBS's encryption keys by label, and the opening of its sealed blobs.
 *
 * <p>The format, as the BBS writes it (its {@code encryption} and {@code format} packages): each key is given
 * as a label and a passphrase, and the AES-256 key is the SHA-256 of the passphrase's bytes. A value is sealed
 * with AES-GCM under a random 12-byte nonce, no additional data, the 16-byte tag after the ciphertext (Go's
 * {@code cipher.AEAD.Seal}), and laid out as: one byte, the label's length; the label; the nonce; the
 * ciphertext with its tag. A value names the key that sealed it, so keys can rotate: the ring holds the
 * current and the earlier ones.
 *
 * <p>Thread-safe: each thread has its own {@link Cipher}, initialised again for each value.
 */
public final class KeyRing {

    /** Go's {@code cipher.NewGCM} default. */
    public static final int NONCE_BYTES = 12;
    /** Go's {@code cipher.NewGCM} default, in bytes. */
    public static final int TAG_BYTES = 16;
    /** The BBS refuses longer labels. */
    public static final int MAX_LABEL_BYTES = 127;

    private static final KeyRing EMPTY = new KeyRing(Map.of());

    private final Map<String, SecretKeySpec> keys;
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(KeyRing::newCipher);

    private KeyRing(Map<String, SecretKeySpec> keys) {
        this.keys = keys;
    }

    /** A ring without keys: every encrypted value is {@link DecodeFailure#ENCRYPTED_NO_KEY}. */
    public static KeyRing empty() {
        return EMPTY;
    }

    /** The ring of {@code passphrases} by label, each turned into its AES key as the BBS does. */
    public static KeyRing ofPassphrases(Map<String, String> passphrases) {
        Map<String, SecretKeySpec> keys = new TreeMap<>();
        passphrases.forEach((label, phrase) -> keys.put(label, new SecretKeySpec(sha256(phrase), "AES")));
        return new KeyRing(Map.copyOf(keys));
    }

    /** The labels held, sorted; never the keys. */
    public List<String> labels() {
        return keys.keySet().stream().sorted().toList();
    }

    /**
     * Opens the sealed blob that fills {@code value}, replacing it by the plaintext.
     *
     * @param step how the calling step names itself in a failure
     * @return null when it opened; otherwise why not
     */
    public DecodeResult open(Slice value, String step) {
        if (value.isEmpty()) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, step + ": the encrypted blob is empty");
        }
        int labelLength = value.at(0);
        int needed = 1 + labelLength + NONCE_BYTES + TAG_BYTES;
        if (value.length() < needed) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, step + ": the encrypted blob is truncated: "
                    + value.length() + " bytes, where a key label of " + labelLength + " bytes, a " + NONCE_BYTES
                    + "-byte nonce and a " + TAG_BYTES + "-byte tag need at least " + needed);
        }
        byte[] b = value.array();
        int at = value.offset() + 1;
        String label = new String(b, at, labelLength, StandardCharsets.UTF_8);
        SecretKeySpec key = keys.get(label);
        if (key == null) {
            return DecodeResult.failed(DecodeFailure.ENCRYPTED_NO_KEY, step + ": the value is encrypted with the key labelled '"
                    + Printable.text(label, 64) + "', " + (keys.isEmpty()
                    ? "and this mapping has no key ring: add the key under keys: {<label>: {env: NAME} or {file: /path}}"
                    : "which is not in the key ring (it holds " + String.join(", ", labels()) + ")"));
        }
        at += labelLength;
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, b, at, NONCE_BYTES));
            at += NONCE_BYTES;
            byte[] plain = cipher.doFinal(b, at, value.offset() + value.length() - at);
            value.replace(plain);
            value.markDecrypted();
            return null;
        } catch (AEADBadTagException e) {
            return DecodeResult.failed(DecodeFailure.DECRYPTION_FAILED, step + ": the key labelled '" + label
                    + "' does not open this value (the ring holds another key under that label, or the value was altered)");
        } catch (GeneralSecurityException e) {
            return DecodeResult.failed(DecodeFailure.DECRYPTION_FAILED, step + ": AES-GCM with the key labelled '" + label
                    + "' failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no AES/GCM/NoPadding", e);
        }
    }

    private static byte[] sha256(String phrase) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(phrase.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The labels, never the keys. */
    @Override
    public String toString() {
        return "KeyRing" + labels();
    }
}
