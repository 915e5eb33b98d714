package io.ferry.watcher.engine;

import io.etcd.jetcd.watch.WatchEvent;
import java.util.List;

/** What the watch callback hands to the producer thread, tagged with the watch session it came from. */
sealed interface StreamItem {

    long session();

    /**
     * One watch response's events: whole etcd revisions, in order; {@code etcdRevision} is etcd's
     * own at sending; {@code bytes} what they weigh in the {@link WatchBuffer}.
     */
    record Events(long session, List<WatchEvent> events, long maxRevision, long etcdRevision, long bytes)
            implements StreamItem {
    }

    /** A progress notification at {@code revision}. */
    record Progress(long session, long revision) implements StreamItem {
    }
}
