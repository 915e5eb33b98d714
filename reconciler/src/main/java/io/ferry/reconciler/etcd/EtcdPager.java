package io.ferry.reconciler.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.ferry.core.KeyRanges;
import io.ferry.core.PageSizing;
import io.ferry.reconciler.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads one key range of etcd at a fixed revision, page by page, in key order. The next page is
 * requested before the current one is handed out, so etcd's round trip overlaps the caller's
 * work on the page. Memory holds at most two pages; the page's key count follows the values'
 * size, so a page stays near the byte target ({@link PageSizing}).
 */
public final class EtcdPager {

    private final KV kv;
    private final long revision;
    private final byte[] end;
    private final long targetBytes;
    private int limit;
    private final int maxLimit;
    private final boolean keysOnly;
    private CompletableFuture<GetResponse> next;
    private byte[] nextFrom;
    private boolean done;

    public EtcdPager(KV kv, long revision, byte[] from, byte[] end, int pageKeys, long targetBytes) {
        this(kv, revision, from, end, pageKeys, targetBytes, false);
    }

    /** With {@code keysOnly}, rows carry the metadata (revisions) but empty values: a cheap listing. */
    public EtcdPager(KV kv, long revision, byte[] from, byte[] end, int pageKeys, long targetBytes, boolean keysOnly) {
        this.keysOnly = keysOnly;
        this.kv = kv;
        this.revision = revision;
        this.end = end;
        this.maxLimit = pageKeys;
        this.limit = PageSizing.first(pageKeys);
        this.targetBytes = targetBytes;
        this.nextFrom = from;
        this.next = request(from);
    }

    /** The next page, or null when the range is exhausted. */
    public EtcdPage nextPage() {
        if (done) {
            return null;
        }
        byte[] from = nextFrom;
        GetResponse response = EtcdReads.read("reading etcd at revision " + revision, next, () -> request(from));
        List<Row> rows = new ArrayList<>(response.getKvs().size());
        long bytes = 0;
        for (KeyValue kv : response.getKvs()) {
            Row row = toRow(kv);
            rows.add(row);
            bytes += row.key().length + row.value().length;
        }
        byte[] to;
        if (response.isMore() && !rows.isEmpty()) {
            to = KeyRanges.successor(rows.get(rows.size() - 1).key());
            limit = PageSizing.next(maxLimit, targetBytes, rows.size(), bytes);
            nextFrom = to;
            next = request(to);
        } else {
            to = end;
            done = true;
        }
        return new EtcdPage(from, to, rows, bytes);
    }

    /** A jetcd key-value as the reconciler compares it. */
    public static Row toRow(KeyValue kv) {
        return new Row(kv.getKey().getBytes(), kv.getValue().getBytes(), kv.getCreateRevision(), kv.getModRevision(),
                kv.getVersion(), kv.getLease());
    }

    private CompletableFuture<GetResponse> request(byte[] from) {
        GetOption option = GetOption.builder()
                .withRange(ByteSequence.from(end))
                .withRevision(revision)
                .withLimit(limit)
                .withKeysOnly(keysOnly)
                .build(); // no sort option: etcd returns keys in order, and asking to sort makes it read the whole range first
        return kv.get(ByteSequence.from(from), option);
    }

}
