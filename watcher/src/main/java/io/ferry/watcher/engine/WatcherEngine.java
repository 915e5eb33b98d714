package io.ferry.watcher.engine;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Response;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.EtcdUnavailableException;
import io.ferry.clients.TopicCheck;
import io.ferry.clients.TopicSpec;
import io.ferry.clients.Topics;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.event.Checkpoint;
import io.ferry.watcher.WatcherException;
import io.ferry.watcher.WatcherState;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher's machinery, driven by {@link io.ferry.watcher.EtcdWatcher}: {@link #connect()}
 * once, then {@link #run} for each leadership term until it returns (stopped) or throws.
 * Public only so that the root package can use it; not an API.
 */
public final class WatcherEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WatcherEngine.class);

    private final FerryConfig config;
    private final WatcherMetrics metrics;
    private final PrefixSet prefixes;
    private final KafkaClients kafka;
    private Client etcd;
    private Admin admin;
    private EventMapper mapper;
    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();
    private final int instance = INSTANCES.incrementAndGet();
    /** Whether no leadership term has started yet in this process. */
    private final java.util.concurrent.atomic.AtomicBoolean firstTerm = new java.util.concurrent.atomic.AtomicBoolean(true);
    private ChangeTopic topic;

    public WatcherEngine(FerryConfig config, MeterRegistry registry) {
        this.config = config;
        this.prefixes = PrefixSet.of(config.etcd().prefixes());
        this.kafka = new KafkaClients(config.kafka(), config.watcher().maxMessageBytes());
        this.metrics = new WatcherMetrics(registry);
        Signing.signer(config).ifPresent(s -> LOG.info("Signing every record with key {} (signing.key)", s.keyId()));
    }

    /** Reaches etcd and Kafka and sets up the topics, or fails with an error naming what could not be reached. */
    public void connect() {
        etcd = EtcdClients.build(config.etcd());
        Response.Header header;
        try {
            header = EtcdClients.probe(etcd, config.etcd(), prefixes.ranges().get(0).start());
        } catch (EtcdUnavailableException e) {
            throw new WatcherException(e.getMessage(), e.getCause());
        }
        mapper = new EventMapper(EtcdClients.clusterId(header));
        metrics.etcdRevision(header.getRevision());
        LOG.info("Connected to etcd cluster {} at {} (revision {})", mapper.clusterId(), config.etcd().endpoints(),
                header.getRevision());
        admin = Admin.create(kafka.admin());
        topic = ensureTopics(new Topics(admin, kafka.bootstrap(), config.watcher().kafkaTimeout(), "watcher.kafka.timeout.ms"));
    }

    /**
     * Creates the change and checkpoint topics, or checks the ones that exist: before the watcher
     * produces, and before {@code ferry run} starts its sink, so that no client of Ferry's ever meets
     * a topic a broker made with its own defaults.
     */
    private ChangeTopic ensureTopics(Topics topics) {
        int maxMessageBytes = config.watcher().maxMessageBytes();
        TopicCheck change = topics.ensure(TopicSpec.changeTopic(config.kafka(), maxMessageBytes));
        TopicCheck checkpoint = topics.ensure(TopicSpec.checkpointTopic(config.kafka()));
        LOG.info("Kafka at {}: {}", kafka.bootstrap(), change.describe());
        LOG.info("Kafka at {}: {}", kafka.bootstrap(), checkpoint.describe());
        return new ChangeTopic(change.name(), change.partitions(), Math.min(change.maxMessageBytes(), maxMessageBytes));
    }

    /**
     * Replaces the etcd client with a new one, between two leadership terms after a failure. gRPC keeps
     * a member that answers every request with "no leader" (cut off from its peers) as a healthy
     * connection, and waits up to two minutes to reconnect to members it lost (its back-off): a new
     * client connects to every endpoint at once and spreads its requests over those that answer.
     */
    public void reconnectEtcd() {
        Client old = etcd;
        etcd = EtcdClients.build(config.etcd());
        if (old != null) {
            old.close();
        }
    }

    /** One leadership term: stand by, then snapshot or resume, then stream until stopping. */
    public void run(Consumer<WatcherState> states, BooleanSupplier stopping) throws Exception {
        Leadership leadership = config.watcher().haEnabled()
                ? new Leadership(etcd, config.etcd(), topic.name(), config.watcher().haLeaseTtl()) : null;
        try (Leadership ignored = leadership) {
            if (leadership != null) {
                states.accept(WatcherState.STANDBY);
                if (!leadership.await(stopping, identity(), firstTerm.getAndSet(false))) {
                    return;
                }
            }
            try (EventPublisher publisher = new EventPublisher(kafka, "ferry-watcher-" + topic.name(), topic, metrics,
                    Signing.signer(config))) {
                publisher.init();
                RunContext ctx = new RunContext(config, etcd, prefixes, mapper, publisher, metrics, states, stopping,
                        leadership);
                lead(ctx);
            } catch (RunContext.Stopped e) {
                LOG.info("Stopped while producing; uncommitted work is aborted and redone on the next start");
            }
        }
    }

    private void lead(RunContext ctx) {
        Optional<Checkpoint> checkpoint = new CheckpointReader(kafka, config.watcher().kafkaTimeout(),
                Signing.signer(config)).latest(topic.name());
        long epoch;
        long from;
        if (checkpoint.isPresent() && checkpoint.get().clusterId() != null
                && !checkpoint.get().clusterId().equals(mapper.clusterId())) {
            throw new WatcherException("the checkpoint in " + Checkpoint.topicFor(topic.name()) + " belongs to etcd "
                    + "cluster " + checkpoint.get().clusterId() + ", but " + config.etcd().endpoints() + " is cluster "
                    + mapper.clusterId() + ". Use a new kafka.topic for a different etcd cluster.");
        }
        if (checkpoint.isEmpty() || checkpoint.get().snapshotting()) {
            long next = checkpoint.map(c -> c.epoch() + 1).orElse(1L);
            LOG.info("{}; taking a snapshot under epoch {}", checkpoint.isEmpty() ? "No checkpoint yet"
                    : "The snapshot of epoch " + checkpoint.get().epoch() + " did not complete", next);
            Snapshotter.Result r = new Snapshotter(ctx).run(next);
            epoch = r.epoch();
            from = r.revision() + 1;
        } else {
            epoch = checkpoint.get().epoch();
            from = checkpoint.get().revision() + 1;
            metrics.producedRevision(checkpoint.get().revision());
            LOG.info("Resuming from checkpoint: revision {}, epoch {}", checkpoint.get().revision(), epoch);
        }
        while (!ctx.stopping()) {
            try {
                new Streamer(ctx, epoch, from).run();
                return;
            } catch (Failures.RevisionCompacted e) {
                LOG.warn("{}: changes since are gone from etcd's history. Re-snapshotting under epoch {}; sinks "
                        + "remove the keys the new snapshot does not contain.", e.getMessage(), epoch + 1);
                metrics.compactionRecovered();
                Snapshotter.Result r = new Snapshotter(ctx).run(epoch + 1);
                epoch = r.epoch();
                from = r.revision() + 1;
            }
        }
    }

    /**
     * Whether resuming from the checkpoint cannot get past {@code failure}: a configuration or
     * data problem, bad credentials, a permission etcd or Kafka denies, or, without an election, another watcher on the same topic
     * (fenced through the transactional id; with an election, the fenced one just stands by).
     */
    public boolean isFatal(Throwable failure) {
        return failure instanceof WatcherException || failure instanceof Error || Failures.isFatal(failure)
                || (Failures.isFenced(failure) && !config.watcher().haEnabled());
    }

    /** Last etcd revision up to which every change is committed to Kafka. */
    public long producedRevision() {
        return metrics.producedRevision();
    }

    /**
     * This watcher in the election: {@code pid@host}, and {@code #n} for the n-th watcher of this JVM
     * (tests run several), so that a restarted process can tell its dead predecessor's key.
     */
    private String identity() {
        return ManagementFactory.getRuntimeMXBean().getName() + (instance == 1 ? "" : "#" + instance);
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(5));
        }
        if (etcd != null) {
            etcd.close();
        }
        metrics.close();
    }
}
