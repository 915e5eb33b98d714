package io.ferry.watcher.engine;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One etcd watch from a given revision, feeding a {@link WatchBuffer}.
 *
 * <p>jetcd resumes a broken watch by itself, but from a revision it advances on "created" and
 * progress responses, which can lie ahead of events not yet delivered. So on any error this
 * session only records the failure; the producer thread closes it and opens a new session from
 * the revision it has itself handled, and ignores items from older sessions.
 *
 * <p>When the buffer is full the callback waits: etcd's flow control then holds the watch back.
 * Nothing is ever dropped.
 */
final class ChangeStream implements AutoCloseable {

    private final long session;
    private final WatchBuffer queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Watch.Watcher watcher;

    ChangeStream(Client client, PrefixSet.Range span, long fromRevision, boolean prevKv, long session,
                 WatchBuffer queue) {
        if (fromRevision <= 0) {
            // A watch at revision 0 starts at "now" and would silently skip history.
            throw new IllegalArgumentException("a watch must start at a revision > 0, not " + fromRevision);
        }
        this.session = session;
        this.queue = queue;
        WatchOption option = WatchOption.builder()
                .withRange(ByteSequence.from(span.end()))
                .withRevision(fromRevision)
                .withPrevKV(prevKv)
                .withProgressNotify(true)
                // A member cut off from its peers would keep this watch open and silent: with this, etcd
                // cancels it once the member has no leader, and the watcher resumes on another member.
                .withRequireLeader(true)
                .build();
        this.watcher = client.getWatchClient().watch(ByteSequence.from(span.start()), option,
                Watch.listener(this::onNext, this::onError, this::onCompleted));
    }

    /** The first failure reported by etcd, or null. */
    Throwable failure() {
        return failure.get();
    }

    void requestProgress() {
        if (!closed.get()) {
            watcher.requestProgress();
        }
    }

    private void onNext(WatchResponse response) {
        if (closed.get()) {
            return;
        }
        List<WatchEvent> events = response.getEvents();
        if (events.isEmpty()) {
            if (response.isProgressNotify()) {
                offer(new StreamItem.Progress(session, response.getHeader().getRevision()));
            }
            return;
        }
        long max = events.get(events.size() - 1).getKeyValue().getModRevision();
        offer(new StreamItem.Events(session, List.copyOf(events), max, response.getHeader().getRevision(),
                WatchBuffer.weigh(events)));
    }

    private void offer(StreamItem item) {
        try {
            while (!closed.get()) {
                if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, e);
        }
    }

    private void onError(Throwable t) {
        // Called under jetcd's watch lock: never block here.
        failure.compareAndSet(null, t);
    }

    private void onCompleted() {
        if (!closed.get()) {
            failure.compareAndSet(null, new IllegalStateException("the etcd watch ended without an error"));
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            watcher.close();
        }
    }
}
