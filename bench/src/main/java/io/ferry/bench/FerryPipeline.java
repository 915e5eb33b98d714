package io.ferry.bench;

import io.ferry.core.config.FerryConfig;
import io.ferry.sink.JdbcSink;
import io.ferry.testkit.SqlDatabase;
import io.ferry.watcher.EtcdWatcher;
import io.ferry.watcher.WatcherState;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ferry's own components run in this JVM exactly as {@code ferry run} wires them: an
 * {@link EtcdWatcher} into a topic and a {@link JdbcSink} from it, either or both.
 */
final class FerryPipeline implements Replication {

    static final int PARTITIONS = 6;

    private final EtcdWatcher watcher;
    private final JdbcSink sink;

    private FerryPipeline(EtcdWatcher watcher, JdbcSink sink) {
        this.watcher = watcher;
        this.sink = sink;
    }

    /** The configuration of one pipeline: its prefix, topic, database and consumer group. */
    private static final String FERRY_SETTING = "ferry.";

    static FerryConfig config(Stack stack, String prefix, String topic, SqlDatabase db, String group) {
        return config(stack, prefix, topic, db, group, Map.of());
    }

    /** As {@link #config(Stack, String, String, SqlDatabase, String)}, with more settings ({@code sink.mappings}, say). */
    static FerryConfig config(Stack stack, String prefix, String topic, SqlDatabase db, String group, Map<String, Object> more) {
        Map<String, Object> m = watcherSettings(stack, prefix, topic);
        m.putAll(more);
        m.put("sink.jdbc", db.jdbcUrl());
        m.put("sink.group", group);
        if (!db.user().isEmpty()) {
            m.put("sink.user", db.user());
        }
        if (!db.password().isEmpty()) {
            m.put("sink.password", db.password());
        }
        return FerryConfig.fromMap(m);
    }

    /** The configuration of a watcher alone (no database): its prefix and topic. */
    static FerryConfig watcherConfig(Stack stack, String prefix, String topic) {
        return FerryConfig.fromMap(watcherSettings(stack, prefix, topic));
    }

    private static Map<String, Object> watcherSettings(Stack stack, String prefix, String topic) {
        Map<String, Object> m = new HashMap<>();
        m.put("etcd.endpoints", stack.etcd.endpoint());
        m.put("etcd.prefix", prefix);
        m.put("kafka.bootstrap", stack.kafka.bootstrapServers());
        m.put("kafka.topic", topic);
        m.put("kafka.topic.partitions", PARTITIONS);
        // One watcher per topic in the bench: the election would only add a lease round trip.
        m.put("watcher.ha.enabled", false);
        m.putAll(experimentSettings());
        return m;
    }

    /**
     * Any Ferry setting for an experiment, e.g. {@code -Dferry.watcher.queue.capacity=256} (docs/benchmarks.md): for
     * the watcher and sink in the bench's JVM and in the {@code ferry} processes it starts alike.
     */
    static Map<String, String> experimentSettings() {
        Map<String, String> m = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(FERRY_SETTING))
                .forEach(name -> m.put(name.substring(FERRY_SETTING.length()), System.getProperty(name)));
        return m;
    }

    static FerryPipeline sinkOnly(FerryConfig config, MeterRegistry registry) {
        JdbcSink sink = JdbcSink.create(config, registry);
        sink.start();
        return new FerryPipeline(null, sink);
    }

    /** The watcher alone, to fill a topic that a sink applies later (the peer scenario). */
    static FerryPipeline watcherOnly(FerryConfig config, MeterRegistry registry) {
        EtcdWatcher watcher = EtcdWatcher.create(config, registry);
        watcher.start();
        return new FerryPipeline(watcher, null);
    }

    /** Starts the sink first, so that its group has joined when the watcher's first records arrive. */
    static FerryPipeline both(FerryConfig config, MeterRegistry registry) {
        JdbcSink sink = JdbcSink.create(config, registry);
        sink.start();
        EtcdWatcher watcher = EtcdWatcher.create(config, registry);
        watcher.start();
        return new FerryPipeline(watcher, sink);
    }

    /** Waits until the watcher streams (its snapshot is committed); false when it did not in time. */
    boolean awaitStreaming(Duration limit) throws InterruptedException {
        return watcher.awaitStreaming(limit);
    }

    /** Throws when a component failed, naming it and why, so a wait never outlives a dead pipeline. */
    @Override
    public void check() {
        if (sink != null && sink.state() == JdbcSink.State.FAILED) {
            throw new IllegalStateException("the sink failed: " + sink.failure(), sink.failure());
        }
        if (watcher != null && watcher.state() == WatcherState.FAILED) {
            throw new IllegalStateException("the watcher failed: " + watcher.failure().orElse(null),
                    watcher.failure().orElse(null));
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (sink != null) {
            sink.close();
        }
    }
}
