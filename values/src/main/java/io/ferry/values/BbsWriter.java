package io.ferry.values;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes values as Diego's BBS stores them (its format package's Encode and MarshalEnvelope, its encryption package's
 * Encrypt): the writer's side of what the {@code diego} step reads, for the demo's sample data and the tests. Written
 * from the format's description in docs/mappings.md, independently of the reader.
 */
public final class BbsWriter {

    /** Envelope formats. */
    public static final int LEGACY_JSON = 0;
    public static final int JSON = 1;
    public static final int PROTO = 2;

    private BbsWriter() {
    }

    /** A format byte, a version byte, then the model. */
    public static byte[] envelope(int format, int version, byte[] model) {
        return concat(new byte[] {(byte) format, (byte) version}, model);
    }

    /** Encoding {@code 00}. */
    public static byte[] unencoded(byte[] payload) {
        return concat(ascii("00"), payload);
    }

    /** Encoding {@code 01}. */
    public static byte[] base64(byte[] payload) {
        return concat(ascii("01"), ascii(Base64.getEncoder().encodeToString(payload)));
    }

    /**
     * Encoding {@code 02}: base64 of the label's length, the label, the 12-byte nonce and the AES-256-GCM ciphertext of
     * the payload, the key being the SHA-256 of the label's passphrase.
     */
    public static byte[] sealed(byte[] payload, String label, String passphrase, byte[] nonce) {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256").digest(passphrase.getBytes(StandardCharsets.UTF_8));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            byte[] l = label.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            blob.write(l.length);
            blob.writeBytes(l);
            blob.writeBytes(nonce);
            blob.writeBytes(c.doFinal(payload));
            return concat(ascii("02"), ascii(Base64.getEncoder().encodeToString(blob.toByteArray())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256 and AES-GCM", e);
        }
    }

    /** A nonce made from {@code seed}: unique per value, as GCM needs, and reproducible for samples and tests. */
    public static byte[] nonce(int seed) {
        byte[] n = new byte[12];
        for (int i = 0; i < n.length; i++) {
            n[i] = (byte) (seed * 31 + i);
        }
        return n;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
