package io.ferry.watcher.engine;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.ferry.clients.EtcdPermissionDenied;
import io.ferry.core.KeyRanges;
import io.ferry.core.config.EtcdConfig;
import io.ferry.core.PageSizing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pages through every prefix at one fixed revision, in key order. A page holds at most
 * {@code pageKeys} keys and, once the average size of a key-value is known, about
 * {@code pageBytes} bytes; the first page of each prefix is small ({@link PageSizing}). The next page starts at the last key followed by a NUL byte, and is
 * requested while the consumer handles the current one, so at most two pages are in memory.
 */
final class SnapshotReader {

    /**
     * Receives the snapshot's keys page by page, in key order; returns when they have been handed on.
     * The last key of the whole snapshot comes alone, with {@code last} set: Debezium-style consumers
     * mark that read ({@code snapshot=last}), and it is known to be the last only once every later
     * range has been read and found empty.
     */
    interface PageConsumer {
        void accept(List<KeyValue> keys, boolean last);
    }

    private final Client client;
    private final EtcdConfig etcdConfig;
    private PrefixSet prefixes;
    private final int pageKeys;
    private final long pageBytes;
    private final Duration timeout;

    SnapshotReader(Client client, EtcdConfig etcdConfig, int pageKeys, long pageBytes, Duration timeout) {
        this.client = client;
        this.etcdConfig = etcdConfig;
        this.pageKeys = pageKeys;
        this.pageBytes = pageBytes;
        this.timeout = timeout;
    }

    /** How many keys the prefixes hold at {@code revision}, for progress and ETA. */
    long count(PrefixSet prefixes, long revision) {
        this.prefixes = prefixes;
        long total = 0;
        for (PrefixSet.Range r : prefixes.ranges()) {
            total += get(r.start(), GetOption.builder().withRange(ByteSequence.from(r.end())).withRevision(revision)
                    .withCountOnly(true).build(), revision).getCount();
        }
        return total;
    }

    void read(PrefixSet prefixes, long revision, PageConsumer consumer) {
        this.prefixes = prefixes;
        List<PrefixSet.Range> ranges = prefixes.ranges();
        Request request = new Request(0, ranges.get(0).start(), PageSizing.first(pageKeys));
        CompletableFuture<GetResponse> pending = fetch(ranges, request, revision);
        KeyValue held = null; // the newest page's last key: the snapshot's last one, unless a later page has keys
        try {
            while (pending != null) {
                GetResponse page = await(pending, revision);
                request = following(ranges, request, page);
                // Ask for the next page before handing this one on, so that etcd reads while this
                // page is encoded and sent: at most two pages are in memory.
                pending = request == null ? null : fetch(ranges, request, revision);
                List<KeyValue> kvs = page.getKvs();
                if (!kvs.isEmpty()) {
                    if (held != null) {
                        consumer.accept(List.of(held), false);
                    }
                    consumer.accept(kvs.subList(0, kvs.size() - 1), false);
                    held = kvs.get(kvs.size() - 1);
                }
            }
            if (held != null) {
                consumer.accept(List.of(held), true);
            }
        } finally {
            if (pending != null) {
                pending.cancel(true);
            }
        }
    }

    /** One range request: keys of {@code ranges.get(range)} from {@code from}, at most {@code limit} of them. */
    private record Request(int range, byte[] from, int limit) {
    }

    /** The request after {@code done}, which returned {@code page}; null after the last page of the last range. */
    private Request following(List<PrefixSet.Range> ranges, Request done, GetResponse page) {
        List<KeyValue> kvs = page.getKvs();
        if (page.isMore() && !kvs.isEmpty()) {
            return new Request(done.range(), KeyRanges.successor(kvs.get(kvs.size() - 1).getKey().getBytes()),
                    nextLimit(kvs));
        }
        int next = done.range() + 1;
        return next < ranges.size() ? new Request(next, ranges.get(next).start(), PageSizing.first(pageKeys)) : null;
    }

    private CompletableFuture<GetResponse> fetch(List<PrefixSet.Range> ranges, Request request, long revision) {
        return client.getKVClient().get(ByteSequence.from(request.from()), GetOption.builder()
                .withRange(ByteSequence.from(ranges.get(request.range()).end())).withRevision(revision)
                .withLimit(request.limit()).build());
    }

    private int nextLimit(List<KeyValue> page) {
        long bytes = 0;
        for (KeyValue kv : page) {
            bytes += kv.getKey().size() + kv.getValue().size();
        }
        return PageSizing.next(pageKeys, pageBytes, page.size(), bytes);
    }

    private GetResponse get(byte[] from, GetOption option, long revision) {
        return await(client.getKVClient().get(ByteSequence.from(from), option), revision);
    }

    private GetResponse await(CompletableFuture<GetResponse> response, long revision) {
        try {
            return response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunContext.Stopped();
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (Failures.isCompaction(cause)) {
                throw new Failures.RevisionCompacted("etcd compacted snapshot revision " + revision
                        + " while the snapshot was reading it", cause);
            }
            if (EtcdPermissionDenied.isDenied(cause)) {
                throw EtcdPermissionDenied.of(etcdConfig, "the snapshot's range read at revision " + revision,
                        prefixes.readGrants(), cause);
            }
            // Reads are safe to repeat: the run resumes and takes a fresh snapshot under the next epoch.
            throw new Failures.Transient("snapshot range read at revision " + revision + " failed: " + cause, cause);
        }
    }
}
