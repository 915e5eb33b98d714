package io.ferry.core.config;

import io.ferry.core.FerryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The record signature: a key that the watcher, the sinks and {@code ferry reconcile --repair} share,
 * with which every record Ferry writes to its topics is signed and every record it reads is checked.
 * Off unless a key is set. A record that is unsigned, or whose signature does not check out, is a bad
 * record to the sink, never applied.
 *
 * @param keys the key that signs first, then earlier keys still accepted when checking (rotation);
 *     empty when signing is off
 * @param acceptUnsigned whether a record without a signature is still applied (while signing is
 *     turned on for a topic that holds unsigned records); a record with a wrong signature never is
 */
public record SigningConfig(List<byte[]> keys, boolean acceptUnsigned) {

    /** A key shorter than this is refused: HMAC-SHA256 is only as strong as its key. */
    public static final int MIN_KEY_BYTES = 32;

    public static final ConfigKey<String> KEY = ConfigKey.builder("signing.key", ConfigType.STRING)
            .secret()
            .doc("Turns the record signature on: the shared key (at least " + MIN_KEY_BYTES + " bytes, e.g. from "
                    + "'openssl rand -base64 48') with which the watcher and ferry reconcile --repair sign every record "
                    + "(HMAC-SHA256 in the ferry.signature header) and with which the sinks and the watcher check every "
                    + "record they read. Give the same key to every Ferry process of a topic, from the environment "
                    + "(${FERRY_SIGNING_KEY}) or with signing.key.file. See docs/security.md.")
            .validator(Validator.that(k -> k.getBytes(StandardCharsets.UTF_8).length >= MIN_KEY_BYTES,
                    "must be at least " + MIN_KEY_BYTES + " bytes long"))
            .build();
    public static final ConfigKey<String> KEY_FILE = ConfigKey.builder("signing.key.file", ConfigType.STRING)
            .doc("Instead of signing.key: a file whose first line is the signing key; each further line is an earlier "
                    + "key that is still accepted when checking (key rotation). For Kubernetes Secrets and systemd "
                    + "LoadCredential=.")
            .validator(Validator.nonBlank())
            .build();
    public static final ConfigKey<List<String>> VERIFY_KEYS = ConfigKey.builder("signing.verify.keys", ConfigType.STRING_LIST)
            .secret()
            .doc("Earlier signing keys that are still accepted when checking a record, while a rotation is under way "
                    + "and the topic still holds records signed with them. Only signing.key signs.")
            .validator(Validator.that(keys -> keys.stream().allMatch(k -> k.getBytes(StandardCharsets.UTF_8).length
                    >= MIN_KEY_BYTES), "every key must be at least " + MIN_KEY_BYTES + " bytes long"))
            .build();
    public static final ConfigKey<Boolean> ACCEPT_UNSIGNED = ConfigKey.builder("signing.accept.unsigned", ConfigType.BOOLEAN)
            .defaultValue(false)
            .doc("With a signing key: still apply records that carry no signature (a wrongly signed one is refused "
                    + "regardless). Only while turning signing on for a topic that already holds unsigned records; "
                    + "while it is true, anyone who may write the topic can still change SQL.")
            .build();

    public static final List<ConfigKey<?>> KEYS = List.of(KEY, KEY_FILE, VERIFY_KEYS, ACCEPT_UNSIGNED);

    public SigningConfig {
        keys = List.copyOf(keys);
    }

    /**
     * The signing settings of {@code c}, with the key file read.
     *
     * @throws FerryException when both a key and a key file are set, when the file cannot be read or holds a
     *     key that is too short, or when unsigned records are accepted without a key; the message never
     *     contains a key
     */
    public static SigningConfig of(FerryConfig c) {
        ConfigValues v = c.values();
        List<byte[]> keys = new ArrayList<>();
        if (v.isSet(KEY) && v.isSet(KEY_FILE)) {
            throw new FerryException("signing.key and signing.key.file are both set; keep one.");
        }
        if (v.isSet(KEY)) {
            keys.add(v.get(KEY).getBytes(StandardCharsets.UTF_8));
        } else if (v.isSet(KEY_FILE)) {
            keys.addAll(readKeyFile(Path.of(v.get(KEY_FILE))));
        }
        if (v.isSet(VERIFY_KEYS)) {
            if (keys.isEmpty()) {
                throw new FerryException("signing.verify.keys is set without signing.key or signing.key.file: set the "
                        + "key that signs too.");
            }
            v.get(VERIFY_KEYS).forEach(k -> keys.add(k.getBytes(StandardCharsets.UTF_8)));
        }
        boolean acceptUnsigned = v.get(ACCEPT_UNSIGNED);
        if (acceptUnsigned && keys.isEmpty()) {
            throw new FerryException("signing.accept.unsigned is true, but no signing key is set (signing.key or "
                    + "signing.key.file): without a key nothing is checked. Remove it, or set the key.");
        }
        return new SigningConfig(keys, acceptUnsigned);
    }

    private static List<byte[]> readKeyFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FerryException("signing.key.file " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "). Check the path and that this process may read it.", e);
        }
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            byte[] key = line.getBytes(StandardCharsets.UTF_8);
            if (key.length < MIN_KEY_BYTES) {
                throw new FerryException("signing.key.file " + file + ": the key on line " + (i + 1) + " is " + key.length
                        + " bytes long; a key must be at least " + MIN_KEY_BYTES + " bytes (e.g. openssl rand -base64 48).");
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw new FerryException("signing.key.file " + file + " holds no key; its first line must be the signing key.");
        }
        return keys;
    }

    /** Whether records are signed and checked. */
    public boolean enabled() {
        return !keys.isEmpty();
    }

    /** The key that signs. */
    public byte[] signingKey() {
        if (keys.isEmpty()) {
            throw new IllegalStateException("signing is off: no key");
        }
        return keys.get(0).clone();
    }

    /** Never the keys themselves. */
    @Override
    public String toString() {
        return "SigningConfig[" + (keys.isEmpty() ? "off" : keys.size() + " key(s), accept unsigned " + acceptUnsigned) + "]";
    }
}
