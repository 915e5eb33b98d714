package io.ferry.cli;

import static org.awaitility.Awaitility.await;

import io.ferry.core.config.FerryConfig;
import io.ferry.sink.JdbcSink;
import io.ferry.watcher.EtcdWatcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * A watcher and a sink in this JVM, each with its own configuration (its own Kafka principal), as
 * {@code ferry watch} and {@code ferry sink} run them. The sink's meters are kept for assertions.
 */
final class Replication implements AutoCloseable {

    private final EtcdWatcher watcher;
    private final JdbcSink sink;
    private final SimpleMeterRegistry sinkMeters = new SimpleMeterRegistry();

    private Replication(FerryConfig watcherConfig, FerryConfig sinkConfig) {
        this.watcher = EtcdWatcher.create(watcherConfig, new SimpleMeterRegistry());
        this.sink = JdbcSink.create(sinkConfig, sinkMeters);
    }

    /** Starts the watcher, waits until it streams (its snapshot is done), then starts the sink. */
    static Replication start(Map<String, Object> watcherSettings, Map<String, Object> sinkSettings) throws Exception {
        Replication r = new Replication(FerryConfig.fromMap(watcherSettings), FerryConfig.fromMap(sinkSettings));
        try {
            r.watcher.start();
            if (!r.watcher.awaitStreaming(Duration.ofSeconds(90))) {
                throw new AssertionError("the watcher did not start streaming: " + r.watcher.state() + " "
                        + r.watcher.failure().map(Throwable::toString).orElse(""));
            }
            r.sink.start();
            return r;
        } catch (Exception | AssertionError e) {
            r.close();
            throw e;
        }
    }

    /** Records the sink never applied because of their signature, by reason. */
    double refused(String reason) {
        var counter = sinkMeters.find("ferry.sink.signature.refused").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    void awaitRefused(String reason, double atLeast) {
        await("records refused for their signature (" + reason + ")").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200)).until(() -> refused(reason) >= atLeast || sink.failure() != null);
        if (sink.failure() != null) {
            throw new AssertionError("the sink failed", sink.failure());
        }
    }

    JdbcSink sink() {
        return sink;
    }

    EtcdWatcher watcher() {
        return watcher;
    }

    @Override
    public void close() {
        sink.close();
        watcher.close();
    }
}
