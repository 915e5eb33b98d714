package io.ferry.cutover;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.ferry.core.FerryException;
import io.ferry.core.KeyRanges;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The freeze: stop the writers, wait until etcd is quiet under the prefixes, then write the
 * fence. With {@link FreezeMode#MARKER} a marker key first tells cooperating applications to stop;
 * with {@link FreezeMode#EXTERNAL} the operator has stopped them. Either way F is the revision of the
 * fence write, so the history up to F has a known last event.
 */
final class Freeze {

    private final Client etcd;
    private final byte[] markerKey;

    Freeze(Client etcd, byte[] markerKey) {
        this.etcd = etcd;
        this.markerKey = markerKey;
    }

    /** Freezes and returns F, the fence's revision. */
    long freeze(FreezeMode mode, List<String> roots, long r0, Duration quiet, Duration timeout) throws Exception {
        if (mode == FreezeMode.MARKER) {
            put("{\"state\":\"freezing\",\"r0\":" + r0 + "}");
        }
        awaitQuiet(roots, quiet, timeout);
        return put("{\"state\":\"frozen\",\"r0\":" + r0 + "}");
    }

    /** Undoes a freeze: deletes the marker, so cooperating writers resume. */
    void unfreeze() throws Exception {
        etcd.getKVClient().delete(ByteSequence.from(markerKey)).get(30, TimeUnit.SECONDS);
    }

    long put(String json) throws Exception {
        return etcd.getKVClient().put(ByteSequence.from(markerKey), ByteSequence.from(json, StandardCharsets.UTF_8))
                .get(30, TimeUnit.SECONDS).getHeader().getRevision();
    }

    /** Returns once no key under the prefixes (the marker aside) has changed for {@code quiet}. */
    private void awaitQuiet(List<String> roots, Duration quiet, Duration timeout) throws Exception {
        byte[] from = roots.get(0).getBytes(StandardCharsets.UTF_8);
        byte[] end = KeyRanges.prefixEnd(roots.get(roots.size() - 1).getBytes(StandardCharsets.UTF_8));
        AtomicLong lastWrite = new AtomicLong(System.nanoTime());
        long now = etcd.getKVClient().get(ByteSequence.from(markerKey)).get(30, TimeUnit.SECONDS).getHeader().getRevision();
        WatchOption option = WatchOption.builder().withRevision(now + 1).withRange(ByteSequence.from(end)).build();
        try (Watch.Watcher w = etcd.getWatchClient().watch(ByteSequence.from(from), option, Watch.listener(r -> {
            if (r.getEvents().stream().anyMatch(e -> !Arrays.equals(e.getKeyValue().getKey().getBytes(), markerKey))) {
                lastWrite.set(System.nanoTime());
            }
        }))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() - lastWrite.get() < quiet.toNanos()) {
                if (System.nanoTime() > deadline) {
                    throw new FerryException("etcd did not go quiet under " + roots + " within " + timeout.toSeconds()
                            + " s: writers are still writing. Stop them (or make them honour the freeze marker) and try again.");
                }
                Thread.sleep(50);
            }
        }
    }
}
