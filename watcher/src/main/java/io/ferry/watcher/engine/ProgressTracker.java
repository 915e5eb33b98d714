package io.ferry.watcher.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows the highest etcd revision up to which the watch has delivered every event: the revision
 * that may go into a checkpoint or a watermark.
 *
 * <p>Events advance it directly: a watch delivers revisions in order and never splits one across
 * responses. A progress notification's revision is NOT trusted on arrival. Before etcd 3.4.24 /
 * 3.5.8 (etcd issue 15220) a requested progress notification could overtake events still queued
 * for the stream, and checkpointing such a revision would skip those events after a crash. A
 * progress revision P is therefore held as a candidate and confirmed only by the next progress
 * notification or by an event above P, and dropped by any event at or below P.
 */
final class ProgressTracker {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressTracker.class);

    private long delivered;
    private long candidate = -1;
    private long violations;

    ProgressTracker(long startAfter) {
        this.delivered = startAfter;
    }

    /** A watch response whose last event has revision {@code maxRevision} was fully handled. */
    void onEvents(long maxRevision) {
        if (maxRevision <= delivered) {
            violations++;
            LOG.warn("etcd delivered revision {} after progress at revision {} had been confirmed; the events are "
                    + "produced anyway (sinks ignore what they already hold). Upgrade etcd to 3.4.24+ or 3.5.8+.",
                    maxRevision, delivered);
        }
        if (candidate >= 0 && maxRevision <= candidate) {
            candidate = -1; // the notification overtook these events: it proved nothing
        } else if (candidate >= 0) {
            delivered = Math.max(delivered, candidate);
            candidate = -1;
        }
        delivered = Math.max(delivered, maxRevision);
    }

    /** A progress notification reported revision {@code revision}. */
    void onProgress(long revision) {
        if (candidate >= 0) {
            delivered = Math.max(delivered, candidate);
        }
        candidate = revision > delivered ? revision : -1;
    }

    /** A new watch session starts: a candidate from the old one proves nothing about it. */
    void forgetCandidate() {
        candidate = -1;
    }

    /** Every event up to this revision has been handed over. */
    long delivered() {
        return delivered;
    }

    /** How many times etcd sent an event at or below an already confirmed revision. */
    long violations() {
        return violations;
    }
}
