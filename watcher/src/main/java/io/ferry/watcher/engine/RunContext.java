package io.ferry.watcher.engine;

import io.etcd.jetcd.Client;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.event.Checkpoint;
import io.ferry.watcher.WatcherState;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** What one leadership term of the watcher works with. */
record RunContext(FerryConfig config, Client etcd, PrefixSet prefixes, EventMapper mapper, EventPublisher publisher,
                  WatcherMetrics metrics, Consumer<WatcherState> states, BooleanSupplier stopSignal,
                  Leadership leadership) {

    boolean stopping() {
        return stopSignal.getAsBoolean();
    }

    Checkpoint checkpoint(long revision, long epoch, boolean snapshotting) {
        return new Checkpoint(mapper.clusterId(), revision, epoch, snapshotting, System.currentTimeMillis());
    }

    /** Stop producing once the election lease is gone: a standby may already lead. */
    void checkLeadership() {
        if (leadership != null && leadership.lost()) {
            throw new Failures.Transient("lost leadership of the watcher election; standing by again", null);
        }
    }

    /** Thrown to unwind a run when {@code close()} was called. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("the watcher is stopping", null, false, false);
        }
    }
}
