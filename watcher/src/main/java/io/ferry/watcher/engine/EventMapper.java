package io.ferry.watcher.engine;

import io.etcd.jetcd.watch.WatchEvent;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.KeyValue;
import io.ferry.core.event.Source;

/** Turns jetcd's key-values and watch events into Ferry's change events, bytes untouched. */
final class EventMapper {

    private final String clusterId;

    EventMapper(String clusterId) {
        this.clusterId = clusterId;
    }

    ChangeEvent snapshotRead(io.etcd.jetcd.KeyValue kv, long revision, long epoch, long now) {
        return ChangeEvent.read(toKeyValue(kv), new Source(clusterId, revision, epoch, true), now);
    }

    /** A watched event; {@code reverse} when its revision is one of the rollback path's own transactions. */
    ChangeEvent watched(WatchEvent event, long epoch, long now, boolean reverse) {
        io.etcd.jetcd.KeyValue kv = event.getKeyValue();
        // Without prev-kv, or for a create, etcd sends an empty previous key-value (version 0).
        KeyValue before = event.getPrevKV() == null || event.getPrevKV().getVersion() == 0
                ? null : toKeyValue(event.getPrevKV());
        Source source = new Source(clusterId, kv.getModRevision(), epoch, false, reverse);
        return switch (event.getEventType()) {
            case PUT -> ChangeEvent.put(toKeyValue(kv), before, source, now);
            case DELETE -> ChangeEvent.delete(kv.getKey().getBytes(), before, source, now);
            default -> throw new IllegalStateException("etcd sent a watch event of unknown type "
                    + event.getEventType() + " at revision " + kv.getModRevision());
        };
    }

    static KeyValue toKeyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().getBytes(), kv.getValue().getBytes(), kv.getCreateRevision(),
                kv.getModRevision(), kv.getVersion(), kv.getLease());
    }

    String clusterId() {
        return clusterId;
    }
}
