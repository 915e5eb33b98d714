package io.ferry.sink;

import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random workload written to both the {@link EtcdModel} and the topic, with binary keys
 * and values (NUL, invalid UTF-8, empty) and, on request, the deliveries a sink must shrug off:
 * older puts sent again, late snapshot rows, and deletes sent again after the key came back.
 */
final class Workload {

    final EtcdModel model;
    private final TopicWriter writer;
    private final Random random;
    private final List<byte[]> keys = new ArrayList<>();
    private final List<KeyValue> pastPuts = new ArrayList<>();
    private final List<long[]> pastDeletes = new ArrayList<>();
    private final List<byte[]> pastDeleteKeys = new ArrayList<>();

    /** With a null {@code writer}, changes reach only the model: etcd changes no watch reported. */
    Workload(EtcdModel model, TopicWriter writer, long seed, String prefix, int keyCount) {
        this.model = model;
        this.writer = writer;
        this.random = new Random(seed);
        for (int i = 0; i < keyCount; i++) {
            byte[] base = (prefix + String.format("key-%05d", i)).getBytes(StandardCharsets.UTF_8);
            byte[] key = switch (i % 4) {
                case 0 -> concat(base, new byte[] {0, 1});
                case 1 -> concat(base, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
                default -> base;
            };
            keys.add(key);
        }
    }

    /** Puts every key once, without writing anything: etcd's state before the watcher started. */
    void seed() {
        for (byte[] key : keys) {
            model.put(key, value());
        }
    }

    /** A snapshot of epoch {@code epoch} at the current revision: begin, a read of every live key, end. */
    void snapshot(long epoch) {
        long r = model.revision();
        writer.epoch(epoch);
        writer.control(ControlRecord.Kind.SNAPSHOT_BEGIN, r);
        for (KeyValue kv : model.all()) {
            writer.read(kv, r);
        }
        writer.control(ControlRecord.Kind.SNAPSHOT_END, r);
        writer.commit();
    }

    void ops(int n, boolean chaos) {
        for (int i = 0; i < n; i++) {
            byte[] key = keys.get(random.nextInt(keys.size()));
            if (model.exists(key) && random.nextInt(4) == 0) {
                long rev = model.delete(key);
                if (writer == null) {
                    continue;
                }
                writer.delete(key, rev);
                pastDeletes.add(new long[] {rev});
                pastDeleteKeys.add(key);
            } else {
                KeyValue kv = model.put(key, value());
                if (writer == null) {
                    continue;
                }
                writer.put(kv);
                pastPuts.add(kv);
            }
            if (chaos) {
                chaos();
            }
            if (i % 100 == 99) {
                writer.commit();
            }
        }
        if (writer != null) {
            writer.commit();
        }
    }

    private void chaos() {
        int dice = random.nextInt(20);
        if (dice == 0 && !pastPuts.isEmpty()) {
            writer.put(pastPuts.get(random.nextInt(pastPuts.size())));
        } else if (dice == 1 && !pastPuts.isEmpty()) {
            KeyValue old = pastPuts.get(random.nextInt(pastPuts.size()));
            writer.read(old, old.modRevision());
        } else if (dice == 2 && !pastDeletes.isEmpty()) {
            int j = random.nextInt(pastDeletes.size());
            writer.delete(pastDeleteKeys.get(j), pastDeletes.get(j)[0]);
        }
    }

    /** A watermark on every partition at the current revision; once applied, the sink has everything. */
    long watermark() {
        writer.control(ControlRecord.Kind.WATERMARK, model.revision());
        writer.commit();
        return model.revision();
    }

    private byte[] value() {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return new byte[0];
        }
        byte[] v = new byte[1 + random.nextInt(kind == 1 ? 4000 : 120)];
        random.nextBytes(v);
        return v;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
