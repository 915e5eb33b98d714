package io.ferry.cli;

import io.etcd.jetcd.Client;
import io.ferry.cutover.CutoverPhaseMeters;
import io.ferry.cutover.CutoverRecord;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.EtcdPermissionDenied;
import io.ferry.clients.EtcdRoles;
import io.ferry.clients.JdbcConnections;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.reverse.ReverseTarget;
import io.ferry.reverse.ReverseWriter;
import io.ferry.sink.JdbcSink;
import io.ferry.watcher.EtcdWatcher;
import io.ferry.watcher.WatcherState;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Creates and starts the watcher and the sink as {@link Service}s. */
final class Services {

    private Services() {
    }

    /**
     * Starts the watcher and waits until it has reached etcd and Kafka and made or checked its topics,
     * so that a sink started next (in {@code ferry run}) never subscribes to a topic that does not exist
     * yet, which a broker with auto-creation on would make with its own defaults.
     */
    static Service watcher(FerryConfig config, MeterRegistry registry) {
        EtcdWatcher w = EtcdWatcher.create(config, registry);
        w.start();
        // connect() is bounded by these timeouts (the etcd probe, then describe, create and check of two topics).
        Duration limit = config.etcd().connectTimeout().plus(config.watcher().kafkaTimeout().multipliedBy(6));
        try {
            if (!w.awaitConnected(limit)) {
                throw new FerryException("the watcher did not reach etcd at " + config.etcd().endpoints() + " and Kafka at "
                        + config.kafka().bootstrap() + " within " + limit.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            w.close();
            throw new FerryException("interrupted while the watcher connected", e);
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return new Service("watcher", w, () -> w.state().name().toLowerCase(java.util.Locale.ROOT), w::failure,
                () -> w.state() == WatcherState.STREAMING);
    }

    /**
     * The rollback path's reverse writer; idle until a cutover opens its capture. Started only where
     * the database has a change stream: {@code ferry run} against SQLite runs without it. A failure
     * it cannot retry (TLS, credentials, privileges, a permission etcd denies) ends the process, as any
     * component's does, naming what is missing.
     */
    static Service reverse(FerryConfig config, MeterRegistry registry) {
        Client etcd = EtcdClients.build(config.etcd());
        ReverseWriter w;
        try {
            w = new ReverseWriter(etcd, ReverseTarget.of(config), config.kafka().topic(), CutoverConfig.of(config), registry);
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
        w.start();
        AutoCloseable close = () -> {
            try {
                w.close();
            } finally {
                etcd.close();
            }
        };
        Supplier<Optional<Throwable>> denied = () -> w.lastFailure().filter(EtcdPermissionDenied::isDenied)
                .map(f -> EtcdPermissionDenied.of(config.etcd(), "a reverse writer's etcd request",
                        EtcdRoles.reverse(config), f));
        return new Service("reverse", close, () -> w.state().name().toLowerCase(java.util.Locale.ROOT)
                + w.lastFailure().map(f -> " (last failure: " + f.getMessage() + ")").orElse(""),
                () -> w.failure().or(denied),
                () -> w.state() != ReverseWriter.State.RETRYING && w.state() != ReverseWriter.State.FAILED);
    }

    /** Whether the sink's database can feed the rollback path. */
    static boolean hasChangeStream(FerryConfig config) {
        return JdbcConnections.sink(config).kind() != JdbcTarget.Kind.SQLITE;
    }

    /**
     * Starts a sink, ready while no partition is halted or lags ({@link SinkReadiness}), with the cutover
     * phase of its database as gauges: the sink's process is the one every deployment runs against that
     * database.
     */
    static Service sink(FerryConfig config, MeterRegistry registry) {
        JdbcSink s = JdbcSink.create(config, registry);
        s.start();
        CutoverPhaseMeters phase;
        try {
            phase = CutoverPhaseMeters.start(CutoverRecord.of(config), registry);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        AutoCloseable close = () -> {
            try {
                phase.close();
            } finally {
                s.close();
            }
        };
        return new Service("sink", close, () -> s.state().name().toLowerCase(java.util.Locale.ROOT),
                () -> Optional.ofNullable(s.failure()), () -> s.state() == JdbcSink.State.RUNNING,
                () -> SinkReadiness.notReady(s.haltedPartitions(), s.watermarks(), etcdRevision(registry),
                        config.http().readyLag()));
    }

    /** etcd's revision as a watcher on the same registry (ferry run) last saw it. */
    private static java.util.OptionalLong etcdRevision(MeterRegistry registry) {
        io.micrometer.core.instrument.Gauge g = registry.find("ferry.watcher.etcd.revision").gauge();
        return g == null || !(g.value() > 0) ? java.util.OptionalLong.empty() : java.util.OptionalLong.of((long) g.value());
    }
}
