package io.ferry.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.ferry.core.KeyRanges;
import io.ferry.core.PageSizing;
import io.ferry.core.config.WatcherConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The reference for reading etcd: a plain paged range read of a prefix at one revision with
 * jetcd, the next page starting after the last key, each page sized as Ferry's watcher and
 * reconciler size theirs by default ({@link PageSizing}: at most 10,000 keys and about 4 MiB). It
 * does nothing with the rows but count their bytes, so it is the fastest any reader of the same
 * pages can be.
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

    /** Ferry's default byte target of a page (watcher.snapshot.page.bytes; the reconciler's is the same). */
    private static final long PAGE_BYTES = WatcherConfig.SNAPSHOT_PAGE_BYTES.defaultValue();

    static Result read(KV kv, String prefix, long revision) throws Exception {
        byte[] from = prefix.getBytes(StandardCharsets.UTF_8);
        ByteSequence end = ByteSequence.from(KeyRanges.prefixEnd(from));
        long keys = 0;
        long bytes = 0;
        long start = System.nanoTime();
        byte[] next = from;
        int limit = PageSizing.first(PageSizing.DEFAULT_PAGE_KEYS);
        // Bounded: each page moves the start key forward, and the key space is finite.
        while (true) {
            GetResponse page = kv.get(ByteSequence.from(next), GetOption.builder().withRange(end).withRevision(revision)
                    .withLimit(limit).build()).get(60, TimeUnit.SECONDS);
            long pageBytes = 0;
            for (var kvp : page.getKvs()) {
                pageBytes += kvp.getKey().size() + kvp.getValue().size();
            }
            bytes += pageBytes;
            limit = PageSizing.next(PageSizing.DEFAULT_PAGE_KEYS, PAGE_BYTES, page.getKvs().size(), pageBytes);
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
