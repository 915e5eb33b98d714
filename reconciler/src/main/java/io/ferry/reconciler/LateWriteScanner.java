package io.ferry.reconciler;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.ferry.core.KeyRanges;
import io.ferry.core.PageSizing;
import io.ferry.reconciler.etcd.EtcdPage;
import io.ferry.reconciler.etcd.EtcdPager;
import io.ferry.reconciler.sql.SqlTable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lists every etcd change under the prefixes after the cutover revision F, from etcd's own
 * history, and says for each whether the SQL row changed since F. etcd keeps no wall-clock time
 * for a revision, so {@link LateWrite#observedAt()} is null.
 *
 * <p>A watch from F+1 gives every change, but no sign of when it has caught up. etcd 3.4 answers
 * a progress request at once on a separate channel that can overtake queued events, so a
 * progress response proves nothing. Completion is therefore decided from the key-value store
 * itself: keys-only listings at F and at the target revision, merged in key order, tell exactly
 * which keys changed and what each one's final state is. The watch is done when every one of
 * them has reached that state.
 */
public final class LateWriteScanner {

    private final KV kv;
    private final Watch watch;
    private final SqlTable sql;
    private final List<byte[]> ignored;

    public LateWriteScanner(KV kv, Watch watch, SqlTable sql) {
        this(kv, watch, sql, List.of());
    }

    /** With {@code ignored}: keys Ferry itself writes (the cutover's marker and version key), never reported. */
    public LateWriteScanner(KV kv, Watch watch, SqlTable sql, List<byte[]> ignored) {
        this.kv = kv;
        this.watch = watch;
        this.sql = sql;
        this.ignored = ignored;
    }

    /** Every change after {@code since} up to {@code until} (etcd's current revision), in revision order. */
    public List<LateWrite> scan(List<String> prefixes, long since, long until, Duration timeout) {
        List<LateWrite> out = new ArrayList<>();
        if (until <= since) {
            return out;
        }
        for (String prefix : Reconciler.distinctRoots(prefixes)) {
            byte[] from = prefix.getBytes(StandardCharsets.UTF_8);
            byte[] end = KeyRanges.prefixEnd(from);
            Map<ByteBuffer, Long> finalStates = changedKeys(from, end, since, until);
            if (!finalStates.isEmpty()) {
                for (WatchEvent e : history(from, end, since + 1, until, finalStates, timeout)) {
                    byte[] key = e.getKeyValue().getKey().getBytes();
                    if (ignored.stream().noneMatch(k -> java.util.Arrays.equals(k, key))) {
                        out.add(toLateWrite(e, since));
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(LateWrite::revision));
        return out;
    }

    /**
     * Keys whose state differs between {@code since} and {@code until}, each with its final
     * mod_revision at {@code until}, or -1 when it no longer exists there.
     */
    private Map<ByteBuffer, Long> changedKeys(byte[] from, byte[] end, long since, long until) {
        Map<ByteBuffer, Long> changed = new HashMap<>();
        EtcdPager before = new EtcdPager(kv, since, from, end, PageSizing.DEFAULT_PAGE_KEYS, Long.MAX_VALUE, true);
        EtcdPager after = new EtcdPager(kv, until, from, end, PageSizing.DEFAULT_PAGE_KEYS, Long.MAX_VALUE, true);
        RowCursor b = new RowCursor(before);
        RowCursor a = new RowCursor(after);
        while (b.row != null || a.row != null) {
            int cmp = b.row == null ? 1 : a.row == null ? -1 : KeyRanges.compare(b.row.key(), a.row.key());
            if (cmp < 0) {
                changed.put(ByteBuffer.wrap(b.row.key()), -1L); // deleted after F
                b.advance();
            } else if (cmp > 0) {
                changed.put(ByteBuffer.wrap(a.row.key()), a.row.modRevision()); // created after F
                a.advance();
            } else {
                if (a.row.modRevision() > since) {
                    changed.put(ByteBuffer.wrap(a.row.key()), a.row.modRevision());
                }
                a.advance();
                b.advance();
            }
        }
        return changed;
    }

    private List<WatchEvent> history(byte[] from, byte[] end, long start, long until, Map<ByteBuffer, Long> finalStates,
                                     Duration timeout) {
        ConcurrentLinkedQueue<WatchEvent> events = new ConcurrentLinkedQueue<>();
        Map<ByteBuffer, Long> pending = new java.util.concurrent.ConcurrentHashMap<>(finalStates);
        CompletableFuture<Void> done = new CompletableFuture<>();
        WatchOption option = WatchOption.builder().withRevision(start).withRange(ByteSequence.from(end)).build();
        try (Watch.Watcher w = watch.watch(ByteSequence.from(from), option, Watch.listener(response -> {
            for (WatchEvent e : response.getEvents()) {
                long rev = e.getKeyValue().getModRevision();
                if (rev > until) {
                    continue;
                }
                events.add(e);
                ByteBuffer key = ByteBuffer.wrap(e.getKeyValue().getKey().getBytes());
                long expected = e.getEventType() == WatchEvent.EventType.DELETE ? -1 : rev;
                pending.remove(key, expected);
            }
            if (pending.isEmpty()) {
                done.complete(null);
            }
        }, done::completeExceptionally))) {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReconcileException("interrupted while listing late writes", e);
        } catch (TimeoutException e) {
            throw new ReconcileException("listing etcd changes after revision " + (start - 1) + " did not finish within "
                    + timeout.toSeconds() + " s; " + pending.size() + " changed keys were still awaited", e);
        } catch (ExecutionException e) {
            throw new ReconcileException("etcd history after revision " + (start - 1) + " cannot be read: " + e.getCause()
                    + ". If it was compacted, late writes since the cutover can no longer be listed from etcd.", e.getCause());
        }
        return List.copyOf(events);
    }

    private LateWrite toLateWrite(WatchEvent e, long since) {
        byte[] key = e.getKeyValue().getKey().getBytes();
        try {
            Optional<Row> row = sql.row(key);
            OptionalLong tombstone = row.isPresent() ? OptionalLong.empty() : sql.tombstoneRevision(key);
            boolean changed = row.map(r -> r.modRevision() > since).orElse(tombstone.orElse(0) > since);
            return new LateWrite(key, e.getKeyValue().getModRevision(), e.getEventType() == WatchEvent.EventType.DELETE,
                    null, row.map(Row::modRevision).orElse(0L), changed);
        } catch (SQLException ex) {
            throw new ReconcileException("looking up a late-written key in SQL failed: " + ex.getMessage(), ex);
        }
    }

    /** Walks a pager row by row. */
    private static final class RowCursor {
        private final EtcdPager pager;
        private java.util.Iterator<Row> rows = java.util.Collections.emptyIterator();
        private boolean exhausted;
        Row row;

        RowCursor(EtcdPager pager) {
            this.pager = pager;
            advance();
        }

        void advance() {
            while (!rows.hasNext() && !exhausted) {
                EtcdPage page = pager.nextPage();
                if (page == null) {
                    exhausted = true;
                } else {
                    rows = page.rows().iterator();
                }
            }
            row = rows.hasNext() ? rows.next() : null;
        }
    }
}
