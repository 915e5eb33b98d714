package io.ferry.watcher.engine;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.ferry.core.KeyRanges;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pages through every prefix at one fixed revision, in key order. A page holds at most
 * {@code pageKeys} keys and, once the average size of a key-value is known, about
 * {@code pageBytes} bytes; only one page is in memory at a time. The next page starts at the
 * last key followed by a NUL byte.
 */
final class SnapshotReader {

    /** Receives one page; returns when it has been handed on. */
    interface PageConsumer {
        void accept(List<KeyValue> page);
    }

    private final Client client;
    private final int pageKeys;
    private final long pageBytes;
    private final Duration timeout;

    SnapshotReader(Client client, int pageKeys, long pageBytes, Duration timeout) {
        this.client = client;
        this.pageKeys = pageKeys;
        this.pageBytes = pageBytes;
        this.timeout = timeout;
    }

    /** How many keys the prefixes hold at {@code revision}, for progress and ETA. */
    long count(PrefixSet prefixes, long revision) {
        long total = 0;
        for (PrefixSet.Range r : prefixes.ranges()) {
            total += get(r.start(), GetOption.builder().withRange(ByteSequence.from(r.end())).withRevision(revision)
                    .withCountOnly(true).build(), revision).getCount();
        }
        return total;
    }

    void read(PrefixSet prefixes, long revision, PageConsumer consumer) {
        for (PrefixSet.Range r : prefixes.ranges()) {
            byte[] from = r.start();
            int limit = pageKeys;
            while (true) {
                GetResponse page = get(from, GetOption.builder().withRange(ByteSequence.from(r.end()))
                        .withRevision(revision).withLimit(limit).build(), revision);
                List<KeyValue> kvs = page.getKvs();
                if (!kvs.isEmpty()) {
                    consumer.accept(kvs);
                    limit = nextLimit(kvs);
                }
                if (!page.isMore() || kvs.isEmpty()) {
                    break;
                }
                from = KeyRanges.successor(kvs.get(kvs.size() - 1).getKey().getBytes());
            }
        }
    }

    private int nextLimit(List<KeyValue> page) {
        long bytes = 0;
        for (KeyValue kv : page) {
            bytes += kv.getKey().size() + kv.getValue().size();
        }
        long average = Math.max(1, bytes / page.size());
        return (int) Math.max(1, Math.min(pageKeys, pageBytes / average));
    }

    private GetResponse get(byte[] from, GetOption option, long revision) {
        try {
            return client.getKVClient().get(ByteSequence.from(from), option)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunContext.Stopped();
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (Failures.isCompaction(cause)) {
                throw new Failures.RevisionCompacted("etcd compacted snapshot revision " + revision
                        + " while the snapshot was reading it", cause);
            }
            // Reads are safe to repeat: the run resumes and takes a fresh snapshot under the next epoch.
            throw new Failures.Transient("snapshot range read at revision " + revision + " failed: " + cause, cause);
        }
    }
}
