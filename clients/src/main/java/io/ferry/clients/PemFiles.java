package io.ferry.clients;

import io.ferry.core.FerryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and unencrypted private keys with the JDK alone. Keys come as PKCS#8
 * ({@code BEGIN PRIVATE KEY}, what netty reads) or as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, what
 * {@code openssl genrsa} and many etcd set-ups write), which netty reads only with BouncyCastle on the
 * class path; PKCS#1 is decoded here into the same RSA key. Every error names the configuration key.
 */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);

    private PemFiles() {
    }

    /** Every certificate in {@code file}, in order; at least one. */
    static List<X509Certificate> certificates(String file, String key) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file, key)) {
                if (b.type().equals("CERTIFICATE")) {
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException e) {
            throw new FerryException(key + " = " + file + ": not a valid PEM certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new FerryException(key + " = " + file + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /**
     * The private key in {@code file}, for a certificate whose public key uses {@code algorithm}
     * ({@code RSA}, {@code EC}, {@code Ed25519}...).
     */
    static PrivateKey privateKey(String file, String algorithm, String key) {
        for (Block b : blocks(file, key)) {
            try {
                switch (b.type()) {
                    case "PRIVATE KEY":
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(b.der()));
                    case "RSA PRIVATE KEY":
                        if (b.encrypted()) {
                            throw encrypted(file, key);
                        }
                        return KeyFactory.getInstance("RSA").generatePrivate(pkcs1(b.der()));
                    case "ENCRYPTED PRIVATE KEY":
                        throw encrypted(file, key);
                    case "EC PRIVATE KEY":
                        throw new FerryException(key + " = " + file + ": holds an EC key in SEC1 form (BEGIN EC PRIVATE KEY),"
                                + " which Ferry does not read; convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in "
                                + file + " -out key-pkcs8.pem");
                    default:
                        break;
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new FerryException(key + " = " + file + ": not a valid " + b.type() + " for a " + algorithm
                        + " certificate: " + e.getMessage(), e);
            }
        }
        throw new FerryException(key + " = " + file + ": holds no PEM private key (-----BEGIN PRIVATE KEY----- or "
                + "-----BEGIN RSA PRIVATE KEY-----)");
    }

    private static FerryException encrypted(String file, String key) {
        return new FerryException(key + " = " + file + ": the private key is encrypted, and Ferry has no setting for its "
                + "passphrase; write it unencrypted (openssl pkcs8 -topk8 -nocrypt) to a file only Ferry's user can read");
    }

    /**
     * PKCS#1's RSAPrivateKey: SEQUENCE { version, n, e, d, p, q, d mod (p-1), d mod (q-1), q^-1 mod p }
     * (RFC 8017, A.1.2). Multi-prime keys (version 1) carry more after these and are refused.
     */
    static RSAPrivateCrtKeySpec pkcs1(byte[] der) {
        Der in = new Der(der, 0, der.length).sequence();
        BigInteger version = in.integer();
        if (version.signum() != 0) {
            throw new IllegalArgumentException("PKCS#1 key version " + version + " (multi-prime) is not supported");
        }
        return new RSAPrivateCrtKeySpec(in.integer(), in.integer(), in.integer(), in.integer(), in.integer(),
                in.integer(), in.integer(), in.integer());
    }

    private record Block(String type, byte[] der, boolean encrypted) {
    }

    private static List<Block> blocks(String file, String key) {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new FerryException(key + " = " + file + ": cannot be read: " + e, e);
        }
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            // RFC 1421 headers (Proc-Type, DEK-Info) end with a blank line before the base64 body.
            boolean encrypted = body.contains("Proc-Type:") && body.contains("ENCRYPTED");
            int headersEnd = body.indexOf("\n\n");
            String base64 = body.contains(":") && headersEnd >= 0 ? body.substring(headersEnd + 2) : body;
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(base64), encrypted));
            } catch (IllegalArgumentException e) {
                throw new FerryException(key + " = " + file + ": the " + m.group(1) + " block is not valid base64", e);
            }
        }
        if (out.isEmpty()) {
            throw new FerryException(key + " = " + file + ": is not a PEM file (no -----BEGIN ...----- block)");
        }
        return out;
    }

    /** Just enough DER to read a SEQUENCE of INTEGERs. */
    private static final class Der {
        private final byte[] bytes;
        private int pos;
        private final int end;

        Der(byte[] bytes, int from, int end) {
            this.bytes = bytes;
            this.pos = from;
            this.end = end;
        }

        Der sequence() {
            int length = header(0x30);
            Der inner = new Der(bytes, pos, pos + length);
            pos += length;
            return inner;
        }

        BigInteger integer() {
            int length = header(0x02);
            BigInteger v = new BigInteger(java.util.Arrays.copyOfRange(bytes, pos, pos + length));
            pos += length;
            return v;
        }

        private int header(int tag) {
            if (pos >= end || (bytes[pos] & 0xff) != tag) {
                throw new IllegalArgumentException("malformed DER: expected tag 0x" + Integer.toHexString(tag)
                        + " at byte " + pos);
            }
            pos++;
            int first = bytes[pos++] & 0xff;
            int length = first;
            if (first >= 0x80) {
                int n = first & 0x7f;
                if (n == 0 || n > 4) {
                    throw new IllegalArgumentException("malformed DER: length of " + n + " bytes at byte " + pos);
                }
                length = 0;
                for (int i = 0; i < n; i++) {
                    length = (length << 8) | (bytes[pos++] & 0xff);
                }
            }
            if (length < 0 || pos + length > end) {
                throw new IllegalArgumentException("malformed DER: length " + length + " runs past the end");
            }
            return length;
        }
    }
}
