package io.ferry.cli.demo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stores a model as Diego's BBS does: a two-character encoding ({@code 00} plain, {@code 02} base64 of a sealed blob),
 * then an envelope (a format byte, 2 for protobuf, and a version byte), then the model. A sealed blob is the key
 * label's length, the label, a 12-byte nonce and the AES-256-GCM ciphertext, the key being the SHA-256 of the label's
 * passphrase (docs/mappings.md, "Diego BBS"). The demo's writer side only: Ferry reads these with its {@code diego}
 * step.
 */
final class BbsEncoding {

    private static final byte PROTOBUF = 2;

    private BbsEncoding() {
    }

    /** {@code 00}, the envelope, the protobuf model. */
    static byte[] plain(byte[] model) {
        return concat(ascii("00"), envelope(model));
    }

    /** {@code 02}, base64 of the envelope and model sealed with the passphrase of {@code label}. */
    static byte[] sealed(byte[] model, String label, String passphrase, int seed) {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256").digest(passphrase.getBytes(StandardCharsets.UTF_8));
            byte[] nonce = new byte[12];
            for (int i = 0; i < nonce.length; i++) {
                nonce[i] = (byte) (seed * 31 + i); // a demo's nonce: unique per value, not secret
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            byte[] l = label.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            blob.write(l.length);
            blob.writeBytes(l);
            blob.writeBytes(nonce);
            blob.writeBytes(c.doFinal(envelope(model)));
            return concat(ascii("02"), ascii(Base64.getEncoder().encodeToString(blob.toByteArray())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256 and AES-GCM", e);
        }
    }

    private static byte[] envelope(byte[] model) {
        return concat(new byte[] {PROTOBUF, 0}, model);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
