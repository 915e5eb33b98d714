package io.ferry.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.ferry.core.KeyRanges;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The reference for reading etcd: a plain paged range read of a prefix at one revision with
 * jetcd, {@code pageKeys} keys per request, the next page starting after the last key. It does
 * nothing with the rows but count their bytes, so it is the fastest any reader of the same pages
 * can be.
 */
final class RawRangeRead {

    /** Keys, key and value bytes, and seconds taken. */
    record Result(long keys, long bytes, double seconds) {
        double keysPerSecond() {
            return keys / seconds;
        }
    }

    private RawRangeRead() {
    }

    static Result read(KV kv, String prefix, long revision, int pageKeys) throws Exception {
        byte[] from = prefix.getBytes(StandardCharsets.UTF_8);
        ByteSequence end = ByteSequence.from(KeyRanges.prefixEnd(from));
        long keys = 0;
        long bytes = 0;
        long start = System.nanoTime();
        byte[] next = from;
        // Bounded: each page moves the start key forward, and the key space is finite.
        while (true) {
            GetResponse page = kv.get(ByteSequence.from(next), GetOption.builder().withRange(end).withRevision(revision)
                    .withLimit(pageKeys).build()).get(60, TimeUnit.SECONDS);
            for (var kvp : page.getKvs()) {
                bytes += kvp.getKey().size() + kvp.getValue().size();
            }
            keys += page.getKvs().size();
            if (!page.isMore() || page.getKvs().isEmpty()) {
                break;
            }
            byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
            next = Arrays.copyOf(last, last.length + 1);
        }
        return new Result(keys, bytes, (System.nanoTime() - start) / 1e9);
    }
}
