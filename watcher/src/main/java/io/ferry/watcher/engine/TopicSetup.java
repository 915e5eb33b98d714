package io.ferry.watcher.engine;

import io.ferry.watcher.WatcherException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the change topic and the checkpoint topic when they are absent, and checks that the
 * change topic accepts records as large as the largest etcd value needs.
 */
final class TopicSetup {

    /** A 1.5 MiB etcd value grows by 4/3 in base64, plus the key (up to 1.5 MiB in theory, small in practice) and JSON. */
    static final int REQUIRED_MESSAGE_BYTES = 2_300_000;

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    /** What the change topic turned out to be. */
    record ChangeTopic(String name, int partitions, int maxMessageBytes) {
    }

    private final Admin admin;
    private final String bootstrap;
    private final Duration timeout;

    TopicSetup(Admin admin, String bootstrap, Duration timeout) {
        this.admin = admin;
        this.bootstrap = bootstrap;
        this.timeout = timeout;
    }

    ChangeTopic ensureChangeTopic(String topic, int partitions, int maxMessageBytes) {
        create(new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes))));
        TopicDescription description = awaitTopic(() -> admin.describeTopics(List.of(topic)).allTopicNames(),
                "describe topic " + topic).get(topic);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = awaitTopic(() -> admin.describeConfigs(List.of(resource)).all(), "describe topic " + topic)
                .get(resource);
        int topicLimit = Integer.parseInt(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
        if (topicLimit < REQUIRED_MESSAGE_BYTES) {
            throw new WatcherException("topic " + topic + " has max.message.bytes=" + topicLimit + ", but a 1.5 MiB etcd "
                    + "value with its envelope needs " + REQUIRED_MESSAGE_BYTES + ". Raise it: kafka-configs --alter "
                    + "--entity-type topics --entity-name " + topic + " --add-config max.message.bytes=" + maxMessageBytes);
        }
        return new ChangeTopic(topic, description.partitions().size(), Math.min(topicLimit, maxMessageBytes));
    }

    void ensureCheckpointTopic(String topic) {
        // A checkpoint per commit, tens per second: roll segments hourly so compaction can keep only the newest.
        create(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.SEGMENT_MS_CONFIG, "3600000")));
    }

    private void create(NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created Kafka topic {} with {} partitions and {}", topic.name(), topic.numPartitions(),
                    topic.configs());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw failure("create topic " + topic.name(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw failure("create topic " + topic.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("create topic " + topic.name(), e);
        }
    }

    /**
     * Like {@link #await}, but a topic created a moment ago may not be known yet to the broker that
     * answers (KRaft propagates metadata asynchronously): "unknown topic" is retried until the timeout.
     */
    private <T> T awaitTopic(java.util.function.Supplier<KafkaFuture<T>> call, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return call.get().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw failure(what, e.getCause());
                }
            } catch (TimeoutException e) {
                throw failure(what, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(what, e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(what, e);
            }
        }
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } catch (TimeoutException e) {
            throw failure(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(what, e);
        }
    }

    private WatcherException failure(String what, Throwable cause) {
        return new WatcherException("cannot " + what + " on Kafka at " + bootstrap + " within " + timeout.toMillis()
                + " ms (watcher.kafka.timeout.ms): " + cause + ". Check kafka.bootstrap, that the brokers run, and "
                + "the SASL/SSL settings.", cause);
    }
}
