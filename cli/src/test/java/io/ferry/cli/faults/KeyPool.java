package io.ferry.cli.faults;

import io.etcd.jetcd.ByteSequence;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The fixed set of keys the workload writes, so that every key the checker meets has an index.
 * Text keys {@code /faults/k/00000..} come in blocks of ten that share a prefix (for range deletes);
 * binary keys {@code /faults/b/<bytes>} hold NUL, 0xFF and invalid UTF-8, a few of them 1-2 KB long.
 * Each key belongs to exactly one workload worker, so one key's writes never race in the harness.
 */
final class KeyPool {

    static final String PREFIX = "/faults/";
    static final int BLOCK = 10;

    private final List<byte[]> keys = new ArrayList<>();
    private final Map<ByteBuffer, Integer> index = new HashMap<>();
    private final int textKeys;

    KeyPool(long seed, int textKeys, int binaryKeys) {
        this.textKeys = textKeys;
        for (int i = 0; i < textKeys; i++) {
            add(String.format("%sk/%05d", PREFIX, i).getBytes(StandardCharsets.US_ASCII));
        }
        Random rnd = new Random(seed ^ 0x5EEDL);
        byte[] awkward = {0x00, (byte) 0xFF, (byte) 0x80, (byte) 0xC3, (byte) 0xFE, 0x7F};
        // Bounded: collisions are rare and each attempt adds at most one key.
        for (int attempt = 0; keys.size() < textKeys + binaryKeys && attempt < binaryKeys * 10; attempt++) {
            int len = rnd.nextInt(100) == 0 ? 1000 + rnd.nextInt(1000) : 1 + rnd.nextInt(40);
            byte[] tail = new byte[len];
            rnd.nextBytes(tail);
            tail[0] = awkward[rnd.nextInt(awkward.length)];
            byte[] key = concat((PREFIX + "b/").getBytes(StandardCharsets.US_ASCII), tail);
            if (!index.containsKey(ByteBuffer.wrap(key))) {
                add(key);
            }
        }
    }

    int size() {
        return keys.size();
    }

    byte[] key(int i) {
        return keys.get(i);
    }

    ByteSequence bytes(int i) {
        return ByteSequence.from(keys.get(i));
    }

    /** The index of {@code key}, or -1 when it is not one of the workload's keys. */
    int indexOf(byte[] key) {
        return index.getOrDefault(ByteBuffer.wrap(key), -1);
    }

    boolean isText(int i) {
        return i < textKeys;
    }

    int blocks() {
        return textKeys / BLOCK;
    }

    /** The prefix that covers exactly the ten text keys of {@code block}. */
    ByteSequence blockPrefix(int block) {
        return ByteSequence.from(String.format("%sk/%04d", PREFIX, block), StandardCharsets.US_ASCII);
    }

    /** Which worker owns key {@code i}: text keys by block, so a block's range delete stays within one worker. */
    int owner(int i, int workers) {
        return isText(i) ? (i / BLOCK) % workers : i % workers;
    }

    /** A key for messages: as text when it is printable ASCII, else as hex. */
    static String show(byte[] key) {
        try {
            String s = StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(key)).toString();
            if (s.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
                return s;
            }
        } catch (CharacterCodingException e) {
            // not ASCII: shown as hex below
        }
        return "hex:" + HexFormat.of().formatHex(key, 0, Math.min(key.length, 64)) + (key.length > 64 ? "...(" + key.length + " bytes)" : "");
    }

    private void add(byte[] key) {
        index.put(ByteBuffer.wrap(key), keys.size());
        keys.add(key);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
