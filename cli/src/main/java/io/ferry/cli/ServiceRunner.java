package io.ferry.cli;

import io.ferry.cli.http.Health;
import io.ferry.cli.http.HttpEndpoint;
import io.ferry.clients.JdbcConnections;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ferry.cli.embedded.EmbeddedKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs components until the process is asked to stop or one of them fails for good, serving
 * the HTTP endpoint meanwhile, then closes everything in reverse start order. A component that
 * fails ends the process with exit code 2 and its error, rather than leaving a half-working
 * process that looks alive.
 */
final class ServiceRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final FerryConfig config;
    private final PrometheusMeterRegistry registry;
    private final List<Service> services = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

    ServiceRunner(FerryConfig config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    /** Creates and starts one component against a configuration whose Kafka address is resolved. */
    @FunctionalInterface
    interface Starter {
        Service start(FerryConfig config, MeterRegistry registry);
    }

    /**
     * Starts the components on one metrics registry. With {@code kafka.bootstrap: embedded},
     * {@code ownBroker} runs the in-process broker here ({@code ferry run}); otherwise the
     * components join the one a {@code ferry run} on this machine started. If any start fails,
     * what did start is closed again before the error goes up.
     */
    static ServiceRunner start(FerryConfig c, boolean ownBroker, List<Starter> starters) {
        ServiceRunner runner = new ServiceRunner(c, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        try {
            runner.own(ProcessMeters.bindTo(runner.registry));
            FerryConfig resolved = c;
            if (ownBroker && c.kafka().embedded()) {
                EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(c.kafka().embeddedDir()));
                runner.own(kafka);
                resolved = c.withBootstrap(kafka.bootstrapServers());
            } else {
                resolved = Components.resolveEmbedded(c);
            }
            for (Starter s : starters) {
                runner.add(s.start(resolved, runner.registry));
            }
            return runner;
        } catch (RuntimeException e) {
            runner.closeAll();
            throw e;
        }
    }

    /** Something to close last, such as the embedded broker, that is not itself a service. */
    void own(AutoCloseable resource) {
        closeables.add(resource);
    }

    /** Asks {@link #runUntilStopped} to return, as a shutdown signal would; for a runner embedded in another command. */
    void stop() {
        stopped.countDown();
    }

    void add(Service s) {
        services.add(s);
        closeables.add(s.component());
    }

    /** Where this process points, for the status page: no credentials (identity() drops them from a JDBC URL). */
    private Map<String, String> facts() {
        Map<String, String> facts = new java.util.LinkedHashMap<>();
        facts.put("etcd", String.join(", ", config.etcd().endpoints().stream().map(Object::toString).toList()) + " "
                + String.join(", ", config.etcd().prefixes()));
        facts.put("kafka", config.kafka().bootstrap() + ", topic " + config.kafka().topic());
        facts.put("database", JdbcConnections.sink(config).identity() + ", table " + config.sink().table());
        return facts;
    }

    int runUntilStopped() throws InterruptedException {
        HttpEndpoint http = null;
        try {
            if (config.http().enabled()) {
                http = HttpEndpoint.start(config.http().bind(), config.http().port(), config.http().token(), registry,
                        this::health, facts());
            }
            LOG.info("Running {}; stop with Ctrl-C or SIGTERM", services.stream().map(Service::name).toList());
            while (!ShutdownSignal.await(POLL) && stopped.getCount() > 0) {
                Optional<String> failed = firstFailure();
                if (failed.isPresent()) {
                    throw new FerryException(failed.get());
                }
            }
            LOG.info("Stopping");
            return Ferry.EXIT_OK;
        } finally {
            if (http != null) {
                http.close();
            }
            closeAll();
        }
    }

    Health health() {
        Optional<String> failed = firstFailure();
        long lag = revisionLag();
        if (failed.isPresent()) {
            return new Health(false, false, failed.get(), lag);
        }
        for (Service s : services) {
            if (!s.caughtUp().getAsBoolean()) {
                return new Health(true, false, s.name() + " is " + s.state().get(), lag);
            }
        }
        for (Service s : services) {
            Optional<String> why = s.notReady().get();
            if (why.isPresent()) {
                return new Health(true, false, why.get(), lag);
            }
        }
        if (lag > config.http().readyLag()) {
            return new Health(true, false, "replication lag " + lag + " revisions > " + config.http().readyLag(), lag);
        }
        return new Health(true, true, null, lag);
    }

    private long revisionLag() {
        Gauge g = registry.find("ferry.watcher.revision.lag").gauge();
        if (g != null) {
            return (long) g.value();
        }
        double records = registry.find("ferry.sink.consumer.lag").gauges().stream().mapToDouble(Gauge::value).sum();
        return (long) records;
    }

    private Optional<String> firstFailure() {
        for (Service s : services) {
            Optional<Throwable> f = s.failure().get();
            if (f.isPresent()) {
                return Optional.of(s.name() + " failed: " + f.get().getMessage());
            }
        }
        return Optional.empty();
    }

    private void closeAll() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", closeables.get(i), e.toString());
            }
        }
        closeables.clear();
        ShutdownSignal.closed();
    }
}
