package io.ferry.cli;

import io.ferry.core.config.FerryConfig;
import io.ferry.sink.JdbcSink;
import io.ferry.watcher.EtcdWatcher;
import io.ferry.watcher.WatcherState;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;

/** Creates and starts the watcher and the sink as {@link Service}s. */
final class Services {

    private Services() {
    }

    static Service watcher(FerryConfig config, MeterRegistry registry) {
        EtcdWatcher w = EtcdWatcher.create(config, registry);
        w.start();
        return new Service("watcher", w, () -> w.state().name().toLowerCase(java.util.Locale.ROOT), w::failure,
                () -> w.state() == WatcherState.STREAMING);
    }

    static Service sink(FerryConfig config, MeterRegistry registry) {
        JdbcSink s = JdbcSink.create(config, registry);
        s.start();
        return new Service("sink", s, () -> s.state().name().toLowerCase(java.util.Locale.ROOT),
                () -> Optional.ofNullable(s.failure()), () -> s.state() == JdbcSink.State.RUNNING);
    }
}
