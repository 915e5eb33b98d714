package io.ferry.cli.faults;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** etcd's state under the workload's prefix at one revision, read page by page in key order. */
final class EtcdState {

    private static final int PAGE = 100;

    private EtcdState() {
    }

    /** Every key under {@link KeyPool#PREFIX} at {@code revision}, in etcd's (unsigned byte) order. */
    static Map<java.nio.ByteBuffer, Row> read(Client etcd, long revision) throws Exception {
        byte[] prefix = KeyPool.PREFIX.getBytes(StandardCharsets.US_ASCII);
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        end[end.length - 1]++;
        Map<java.nio.ByteBuffer, Row> rows = new LinkedHashMap<>();
        byte[] from = prefix;
        // Bounded: each page moves past its last key; 100,000 pages is far beyond the pool.
        for (int page = 0; page < 100_000; page++) {
            GetResponse resp = etcd.getKVClient().get(ByteSequence.from(from), GetOption.builder().withRange(ByteSequence.from(end))
                    .withRevision(revision).withLimit(PAGE).build()).get(60, TimeUnit.SECONDS);
            for (KeyValue kv : resp.getKvs()) {
                byte[] key = kv.getKey().getBytes();
                rows.put(java.nio.ByteBuffer.wrap(key), new Row(key, kv.getValue().getBytes(), kv.getCreateRevision(),
                        kv.getModRevision(), kv.getVersion(), kv.getLease()));
            }
            if (!resp.isMore() || resp.getKvs().isEmpty()) {
                return rows;
            }
            byte[] last = resp.getKvs().get(resp.getKvs().size() - 1).getKey().getBytes();
            from = Arrays.copyOf(last, last.length + 1);
        }
        throw new IllegalStateException("etcd's range did not end after 100,000 pages");
    }
}
