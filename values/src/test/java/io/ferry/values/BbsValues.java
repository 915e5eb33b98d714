package io.ferry.values;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes values as Diego's BBS does (its format package's Encode and MarshalEnvelope, and its encryption
 * package's Encrypt), independently of the decoder under test: the tests' side of the format. Public for the
 * sink's mapped-table tests, which get it through this module's test-jar.
 */
public final class BbsValues {

    public static final int LEGACY_JSON = 0;
    public static final int JSON = 1;
    public static final int PROTO = 2;

    private BbsValues() {
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

    /** Encoding {@code 02}: label length, label, nonce, AES-256-GCM (key = SHA-256 of the passphrase), in base64. */
    public static byte[] encrypted(byte[] payload, String label, String passphrase, byte[] nonce) throws Exception {
        byte[] key = MessageDigest.getInstance("SHA-256").digest(passphrase.getBytes(StandardCharsets.UTF_8));
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        byte[] sealed = c.doFinal(payload);
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        blob.write(l.length);
        blob.write(l);
        blob.write(nonce);
        blob.write(sealed);
        return concat(ascii("02"), ascii(Base64.getEncoder().encodeToString(blob.toByteArray())));
    }

    public static byte[] nonce(int seed) {
        byte[] n = new byte[12];
        for (int i = 0; i < n.length; i++) {
            n[i] = (byte) (seed * 31 + i);
        }
        return n;
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
