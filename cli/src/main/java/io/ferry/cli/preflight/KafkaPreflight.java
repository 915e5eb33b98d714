package io.ferry.cli.preflight;

import io.ferry.clients.KafkaSettings;
import io.ferry.clients.TopicCheck;
import io.ferry.clients.TopicSpec;
import io.ferry.clients.Topics;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.event.Checkpoint;
import io.ferry.watcher.EtcdWatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;

/**
 * Kafka's part of the preflight: the brokers answer (with the configured security), the topics are
 * what Ferry's guarantees need, who else may write them, and the watcher's latest checkpoint.
 */
final class KafkaPreflight {

    /** A check is quick: Kafka that does not answer within this is reported, not waited for. */
    static final Duration LIMIT = Duration.ofSeconds(10);

    private final FerryConfig config;
    private final Part part;
    private Optional<Checkpoint> checkpoint = Optional.empty();
    private boolean checkpointTopic;

    KafkaPreflight(FerryConfig config, Part part) {
        this.config = config;
        this.part = part;
    }

    static Admin admin(FerryConfig c) {
        Map<String, Object> settings = KafkaSettings.of(c.kafka()).admin();
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) LIMIT.toMillis());
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) LIMIT.toMillis());
        return Admin.create(settings);
    }

    List<Finding> run() {
        List<Finding> out = new ArrayList<>();
        String subject = "Kafka " + config.kafka().bootstrap();
        try (Admin admin = admin(config)) {
            DescribeClusterResult cluster = admin.describeCluster();
            Collection<Node> nodes;
            String clusterId;
            try {
                nodes = cluster.nodes().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                clusterId = cluster.clusterId().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                out.add(Finding.fail(subject, "no answer within " + LIMIT.toSeconds() + " s"
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                        + ". Check kafka.bootstrap, that the brokers run, and kafka.security.protocol and its SASL and TLS "
                        + "settings"));
                return out;
            }
            out.add(Finding.ok(subject, nodes.size() + (nodes.size() == 1 ? " broker" : " brokers") + ", cluster id " + clusterId
                    + " (" + config.kafka().clientProperties().getOrDefault("security.protocol", "PLAINTEXT") + ")"));
            Topics topics = new Topics(admin, config.kafka().bootstrap(), LIMIT, "watcher.kafka.timeout.ms");
            topic(topics, TopicSpec.changeTopic(config.kafka(), config.watcher().maxMessageBytes()), out);
            checkpointTopic = topic(topics, TopicSpec.checkpointTopic(config.kafka()), out);
            out.addAll(TopicWriterCheck.findings(config, admin));
        } catch (FerryException | KafkaException e) {
            out.add(Finding.fail(subject, e.getMessage()));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.add(Finding.fail(subject, "interrupted"));
            return out;
        }
        if (part.etcd && checkpointTopic) {
            checkpoint = latestCheckpoint(out);
        }
        return out;
    }

    /** Adds what the topic is, or that it is missing; returns whether it exists. */
    private boolean topic(Topics topics, TopicSpec spec, List<Finding> out) {
        String subject = "Kafka topic " + spec.name();
        Optional<TopicCheck> check;
        try {
            check = topics.inspect(spec);
        } catch (FerryException e) {
            out.add(Finding.fail(subject, e.getMessage()));
            return false;
        }
        if (check.isEmpty()) {
            out.add(part == Part.SINK
                    ? Finding.warn(subject, "does not exist yet: the watcher creates it when it starts; start it first")
                    : Finding.ok(subject, "does not exist yet: the watcher creates it when it starts (with CREATE on it, "
                    + "docs/security.md)"));
            return false;
        }
        TopicCheck t = check.get();
        out.add(Finding.ok(subject, t.settings()));
        t.warnings().forEach(w -> out.add(Finding.warn(subject, w)));
        return true;
    }

    /** The watcher's latest checkpoint, for etcd's history check; a failure to read it is a note, not a failure. */
    private Optional<Checkpoint> latestCheckpoint(List<Finding> out) {
        try {
            return EtcdWatcher.latestCheckpoint(config);
        } catch (RuntimeException e) {
            out.add(new Finding(Finding.Mark.NOTE, "Kafka topic " + Checkpoint.topicFor(config.kafka().topic()),
                    "cannot read the watcher's checkpoint: " + e.getMessage()));
            return Optional.empty();
        }
    }

    /** The checkpoint {@link #run} read; empty before it ran, or when there is none. */
    Optional<Checkpoint> checkpoint() {
        return checkpoint;
    }
}
