package io.ferry.sink;

import com.zaxxer.hikari.HikariDataSource;
import io.ferry.clients.JdbcConnections;
import io.ferry.clients.RecordSigner;
import io.ferry.clients.TopicSpec;
import io.ferry.clients.Topics;
import io.ferry.core.FerryException;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.config.SigningConfig;
import io.ferry.core.config.SinkConfig;
import io.ferry.core.event.Bytes;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink: consumes the change topic as a member of a consumer group and applies it to the
 * target database, idempotently and guarded by revision, with offsets and watermarks stored in
 * the same transaction as the rows.
 *
 * <p>Lifecycle: {@link #create} checks the configuration, connects, and creates or migrates the
 * schema (failing fast with the reason); {@link #start} starts the {@code ferry-sink-consumer}
 * thread; {@link #close} stops it (flag plus consumer wakeup), waits up to 30 s, and releases
 * the pool and the meters. {@code close} is safe to call twice. A fatal error moves the sink
 * to {@link State#FAILED}; {@link #failure()} says why.
 */
public final class JdbcSink implements AutoCloseable {

    /** Where the sink is in its life. */
    public enum State { CREATED, RUNNING, STOPPING, STOPPED, FAILED }

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSink.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped;
    private final HikariDataSource pool;
    private final SinkParts parts;
    private final ConsumerLoop loop;
    private final Thread thread;

    private JdbcSink(HikariDataSource pool, SinkParts parts, KafkaConsumer<byte[], byte[]> consumer,
                     CountDownLatch stopped) {
        this.stopped = stopped;
        this.pool = pool;
        this.parts = parts;
        this.loop = new ConsumerLoop(consumer, pool, parts, stopped);
        this.thread = new Thread(this::runLoop, "ferry-sink-consumer");
    }

    /** Validates, connects and migrates the schema; throws {@link SinkException} naming what failed. */
    public static JdbcSink create(FerryConfig config, MeterRegistry registry) {
        SinkConfig sink = config.sink();
        List<TableMapping> mappings = MappingParser.parse(sink.mappings());
        mappings.forEach(m -> LOG.info("Mapping {} to table {}, decoded by {}", Bytes.printable(m.prefix()), m.table(),
                m.decoder().describe()));
        JdbcTarget target = JdbcConnections.sink(config);
        SqlDialect dialect = SqlDialect.of(target.kind());
        RecordSigner signer = signer(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Retrier retrier = new Retrier(dialect, sink.retryMaxAttempts(), sink.retryBackoff(), sink.retryBackoffMax(),
                stopped);
        HikariDataSource pool = Databases.pool(target, dialect, sink, retrier);
        try {
            migrate(pool, dialect, sink.table(), mappings, retrier);
            StatementLimit statementLimit = statementLimit(pool, dialect, retrier);
            SinkMetrics metrics = new SinkMetrics(registry);
            String dlq = sink.dlqTopic().orElse(null);
            if (dlq != null) {
                ensureDeadLetterTopic(config, dlq);
            }
            DeadLetters deadLetters = dlq == null ? null : new DeadLetters(dlq, KafkaClients.producer(config));
            OffsetStore offsets = new OffsetStore(dialect, config.kafka().topic());
            SinkParts parts = new SinkParts(config.kafka().topic(), sink.group(), KafkaClients.instanceId(config), sink.table(),
                    new BatchPlanner(new RecordDecoder(dialect.maxKeyBytes(), sink.valueMaxBytes(), mappings, signer, statementLimit),
                            dlq != null),
                    writers(dialect, sink, mappings, offsets, new LateWrites(dialect, config.kafka().topic(),
                            CutoverConfig.of(config).ownKeys())), offsets, retrier,
                    new TombstonePurger(dialect, sink.tombstoneRetention()), metrics, deadLetters, dlq);
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(config),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            LOG.info("Sink ready: {} -> {} table {} (group {}, member {})", config.kafka().topic(), target, sink.table(),
                    sink.group(), KafkaClients.instanceId(config));
            return new JdbcSink(pool, parts, consumer, stopped);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** One batch writer per writer thread; the late-write recorder only reads its settings, so they share it. */
    private static List<BatchWriter> writers(SqlDialect dialect, SinkConfig sink, List<TableMapping> mappings,
                                             OffsetStore offsets, LateWrites lateWrites) {
        List<BatchWriter> writers = new ArrayList<>();
        for (int i = 0; i < Databases.writers(dialect, sink); i++) {
            writers.add(new BatchWriter(dialect, sink.table(), offsets, mappings, lateWrites));
        }
        return List.copyOf(writers);
    }

    /** The signature checker, or null when signing is off; a key file that cannot be read stops the start. */
    private static RecordSigner signer(FerryConfig config) {
        try {
            RecordSigner signer = RecordSigner.of(SigningConfig.of(config)).orElse(null);
            if (signer != null) {
                LOG.info("Applying only records signed with key {}{} (signing.key)", signer.keyId(),
                        signer.acceptsUnsigned() ? " or not signed at all (signing.accept.unsigned)" : "");
            }
            return signer;
        } catch (FerryException e) {
            throw new SinkException(e.getMessage(), e);
        }
    }

    /**
     * Creates the dead-letter topic when it is absent, before any bad record needs it: a producer that
     * sent to a missing topic would have a broker with auto-creation on make it with its own defaults,
     * and one without fail only when the first bad record arrives.
     */
    private static void ensureDeadLetterTopic(FerryConfig config, String dlq) {
        try (Admin admin = Admin.create(KafkaClients.admin(config))) {
            new Topics(admin, config.kafka().bootstrap(), config.watcher().kafkaTimeout(), "watcher.kafka.timeout.ms")
                    .ensure(TopicSpec.deadLetterTopic(config.kafka(), dlq, config.watcher().maxMessageBytes()));
        } catch (FerryException e) {
            throw new SinkException("sink.dlq.topic " + dlq + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the server's statement size bound once at start. A server whose bound would refuse values that a stock
     * etcd accepts is worth a warning now rather than a halted partition later.
     */
    private static StatementLimit statementLimit(HikariDataSource pool, SqlDialect dialect, Retrier retrier) {
        long packet = retrier.run("Reading the database's max_allowed_packet", () -> {
            try (Connection c = pool.getConnection()) {
                return dialect.maxStatementBytes(c);
            }
        });
        if (packet <= 0) {
            return StatementLimit.NONE;
        }
        StatementLimit limit = StatementLimit.ofMaxAllowedPacket(packet);
        if (limit.maxRowBytes() < StatementLimit.ETCD_DEFAULT_MAX_REQUEST_BYTES) {
            LOG.warn("The database's {}, less than etcd's default request limit ({} bytes): raise max_allowed_packet to at "
                    + "least {}", limit.describe(), StatementLimit.ETCD_DEFAULT_MAX_REQUEST_BYTES,
                    StatementLimit.packetFor(StatementLimit.ETCD_DEFAULT_MAX_REQUEST_BYTES));
        } else {
            LOG.info("The database's {}", limit.describe());
        }
        return limit;
    }

    private static void migrate(HikariDataSource pool, SqlDialect dialect, String table,
                                List<TableMapping> mappings, Retrier retrier) {
        // A database that restarts or drops the connection while the sink starts is waited for, as
        // during a batch, instead of failing the start: a migration is safe to run again.
        retrier.run("Creating or migrating the sink's tables (the database user needs CREATE TABLE rights)", () -> {
            try (Connection c = pool.getConnection()) {
                new SchemaMigrator(dialect).migrate(c, table, mappings);
                return null;
            }
        });
    }

    /** Starts consuming on the {@code ferry-sink-consumer} thread. */
    public void start() {
        transition(State.CREATED, State.RUNNING);
        thread.start();
    }

    private void runLoop() {
        try {
            loop.run();
        } catch (Throwable t) {
            failure.set(t);
            if (state.get() != State.STOPPING) {
                LOG.error("The sink stopped: {}", t.getMessage(), t);
                state.set(State.FAILED);
                LOG.info("Sink state: FAILED");
            }
        }
    }

    public State state() {
        return state.get();
    }

    /**
     * The partitions this sink holds that are halted on a bad record (always none with a dead-letter topic); safe
     * from any thread. A halted partition applies nothing until the record is fixed or skipped.
     */
    public java.util.Set<Integer> haltedPartitions() {
        return loop.halted();
    }

    /** The etcd revision through which each partition this sink holds is applied in SQL; safe from any thread. */
    public java.util.Map<Integer, Long> watermarks() {
        return loop.watermarks();
    }

    /** Why the sink failed, or null. */
    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        State before = state.getAndUpdate(s -> s == State.FAILED ? s : State.STOPPING);
        LOG.info("Sink state: {} -> STOPPING", before);
        stopped.countDown();
        loop.stop();
        if (thread.isAlive()) {
            try {
                thread.join(STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("The sink's consumer thread did not stop within {} s", STOP_WAIT.toSeconds());
            }
        }
        if (parts.deadLetters() != null) {
            parts.deadLetters().close();
        }
        pool.close();
        parts.metrics().close();
        if (before != State.FAILED) {
            state.set(State.STOPPED);
            LOG.info("Sink state: STOPPED");
        }
    }

    private void transition(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            throw new IllegalStateException("the sink is " + state.get() + ", not " + from + "; it cannot become " + to);
        }
        LOG.info("Sink state: {} -> {}", from, to);
    }
}
