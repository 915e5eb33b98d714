package io.ferry.reconciler;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.ferry.core.KeyRanges;
import io.ferry.reconciler.etcd.EtcdPager;
import io.ferry.reconciler.etcd.EtcdReads;
import io.ferry.reconciler.sql.SqlTable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Verifies SQL against etcd at the freeze revision F by looking only at the keys that changed
 * in (R0, F], where R0 was verified in full before the freeze. Its cost follows the number of
 * changes, not the number of keys, so the cutover's downtime does not grow with the data.
 *
 * <p>The changed keys come from etcd's history: one watch from R0+1 over the range that covers
 * every prefix. A watch that catches up gives no trustworthy sign of being done on etcd 3.4, so
 * F must be the revision of a write under the prefixes whose key the caller names (the cutover's
 * own marker): once its event arrives, every earlier event has arrived, since one watcher's
 * events come in revision order.
 */
public final class IncrementalVerifier {

    private final KV kv;
    private final Watch watch;
    private final SqlTable sql;

    public IncrementalVerifier(KV kv, Watch watch, SqlTable sql) {
        this.kv = kv;
        this.watch = watch;
        this.sql = sql;
    }

    /**
     * @param prefixes the replicated prefixes
     * @param r0 the revision verified in full before the freeze
     * @param fence the key written at {@code f}, under one of the prefixes
     * @param f the freeze revision
     */
    public Result verify(List<String> prefixes, long r0, byte[] fence, long f, Duration timeout) {
        return verify(prefixes, r0, fence, f, timeout, Set.of());
    }

    /**
     * As {@link #verify(List, long, byte[], long, Duration)}, and also compares {@code suspects}
     * at F: the keys that differed in an earlier round taken while writers were still writing,
     * where SQL may already have held a change made after that round's F.
     */
    public Result verify(List<String> prefixes, long r0, byte[] fence, long f, Duration timeout, Set<ByteBuffer> suspects) {
        List<String> roots = Reconciler.distinctRoots(prefixes);
        Map<ByteBuffer, Optional<Row>> atF = changedKeys(roots, r0, fence, f, timeout);
        for (ByteBuffer k : suspects) {
            atF.computeIfAbsent(k, key -> EtcdReads.read("reading a key that differed in an earlier round at F",
                    () -> kv.get(ByteSequence.from(key.array()), GetOption.builder().withRevision(f).build()))
                    .getKvs().stream().findFirst().map(EtcdPager::toRow));
        }
        DifferenceLog log = new DifferenceLog();
        try {
            Map<ByteBuffer, Row> rows = new HashMap<>();
            for (Row r : sql.rows(atF.keySet().stream().map(ByteBuffer::array).toList())) {
                rows.put(ByteBuffer.wrap(r.key()), r);
            }
            atF.forEach((k, etcd) -> compare(k.array(), etcd, Optional.ofNullable(rows.get(k)), f, log));
        } catch (SQLException e) {
            throw new ReconcileException("reading SQL during the incremental verification failed: " + e.getMessage(), e);
        }
        return new Result(f, r0, atF.size(), log);
    }

    /**
     * The outcome.
     *
     * @param revision the freeze revision F compared at
     * @param since R0
     * @param changedKeys keys changed in (R0, F] and compared
     * @param differences what differs at F
     */
    public record Result(long revision, long since, long changedKeys, DifferenceLog differences) {
        public boolean clean() {
            return differences.total() == 0;
        }

        /** The differing keys, to compare again in the next round. */
        public Set<ByteBuffer> differingKeys() {
            Set<ByteBuffer> keys = new HashSet<>();
            differences.forEach(d -> keys.add(ByteBuffer.wrap(d.difference().key())));
            return keys;
        }
    }

    private static void compare(byte[] key, Optional<Row> etcd, Optional<Row> row, long f, DifferenceLog log) {
        if (etcd.isEmpty() && row.isEmpty()) {
            return;
        }
        if (etcd.isEmpty()) {
            log.add(new Difference(DifferenceKind.EXTRA, key, 0, row.get().modRevision()), -1);
        } else if (row.isEmpty()) {
            log.add(new Difference(DifferenceKind.MISSING, key, etcd.get().modRevision(), 0), -1);
        } else if (!row.get().sameContent(etcd.get())) {
            DifferenceKind kind = row.get().modRevision() < etcd.get().modRevision() ? DifferenceKind.STALE
                    : row.get().modRevision() > f ? DifferenceKind.AHEAD : DifferenceKind.MISMATCH;
            log.add(new Difference(kind, key, etcd.get().modRevision(), row.get().modRevision(),
                    Difference.digest(etcd.get().value()), Difference.digest(row.get().value())), -1);
        }
    }

    /**
     * Each key changed in (R0, F] with its state at F, taken from the last of its events up to F:
     * the events carry the whole key-value, so no read of etcd at F is needed. Empty means deleted.
     */
    private Map<ByteBuffer, Optional<Row>> changedKeys(List<String> roots, long r0, byte[] fence, long f, Duration timeout) {
        if (roots.stream().noneMatch(p -> startsWith(fence, p.getBytes(StandardCharsets.UTF_8)))) {
            throw new ReconcileException("the cutover marker key " + new String(fence, StandardCharsets.UTF_8)
                    + " is not under any replicated prefix " + roots + ": set cutover.marker.key under one of them");
        }
        byte[] from = roots.get(0).getBytes(StandardCharsets.UTF_8);
        byte[] end = KeyRanges.prefixEnd(roots.get(roots.size() - 1).getBytes(StandardCharsets.UTF_8));
        Map<ByteBuffer, Optional<Row>> changed = new ConcurrentHashMap<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        WatchOption option = WatchOption.builder().withRevision(r0 + 1).withRange(ByteSequence.from(end)).build();
        try (Watch.Watcher w = watch.watch(ByteSequence.from(from), option, Watch.listener(response -> {
            for (WatchEvent e : response.getEvents()) {
                byte[] key = e.getKeyValue().getKey().getBytes();
                long rev = e.getKeyValue().getModRevision();
                if (rev <= f && roots.stream().anyMatch(p -> startsWith(key, p.getBytes(StandardCharsets.UTF_8)))) {
                    changed.put(ByteBuffer.wrap(key), e.getEventType() == WatchEvent.EventType.DELETE ? Optional.empty()
                            : Optional.of(EtcdPager.toRow(e.getKeyValue())));
                }
                if (rev >= f && Arrays.equals(key, fence)) {
                    done.complete(null);
                }
            }
        }, done::completeExceptionally))) {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReconcileException("interrupted while reading etcd history", e);
        } catch (TimeoutException e) {
            throw new ReconcileException("etcd history up to the freeze revision " + f + " did not arrive within "
                    + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new ReconcileException("etcd history after revision " + r0 + " cannot be read: " + e.getCause()
                    + ". If it was compacted, run the cutover again: the pre-verification takes a new R0.", e.getCause());
        }
        return changed;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
