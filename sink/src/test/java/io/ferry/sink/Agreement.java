package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.event.KeyValue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Checks the watermark guarantee after a crash: for every key of partition p, SQL reflects etcd
 * at the partition's watermark W, or something newer than W.
 */
final class Agreement {

    private Agreement() {
    }

    /**
     * @param tombstones hex key to the stored delete revision: a row that is missing because a
     *        delete newer than the watermark was applied shows up here
     */
    private static long expected(KeyValue kv) {
        return kv == null ? -1 : kv.modRevision();
    }

    static void assertRowsAgreeWithWatermarks(EtcdModel model, Map<String, String> rows, Map<String, Long> tombstones,
                                              Map<Integer, Long> watermarks, int partitions) {
        List<String> problems = new ArrayList<>();
        Map<Integer, Map<ByteBuffer, KeyValue>> states = new java.util.HashMap<>();
        for (ByteBuffer k : model.keys()) {
            byte[] key = new byte[k.remaining()];
            k.duplicate().get(key);
            int p = Sweeper.partitionOf(key, partitions);
            long w = watermarks.getOrDefault(p, 0L);
            KeyValue expected = states.computeIfAbsent(p, x -> model.stateAt(w)).get(k);
            String row = rows.get(HexFormat.of().formatHex(key));
            boolean deletedAfter = tombstones.getOrDefault(HexFormat.of().formatHex(key), -1L) > w;
            long rowMod = row == null ? -1 : Long.parseLong(row.replaceAll(".* mod=(\\d+) .*", "$1"));
            if (expected == null && row != null && rowMod <= w) {
                problems.add("key " + HexFormat.of().formatHex(key) + " absent at watermark " + w + " but has row at " + rowMod);
            }
            boolean stale = row != null && (rowMod < expected(expected) || (rowMod != expected(expected) && rowMod <= w));
            if (expected != null && ((row == null && !deletedAfter) || stale)) {
                problems.add("key " + HexFormat.of().formatHex(key) + " at watermark " + w + " should be at "
                        + expected.modRevision() + " but row is " + (row == null ? "missing" : "at " + rowMod));
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " rows disagree with the stored watermarks: "
                + problems.subList(0, Math.min(10, problems.size())));
    }
}
