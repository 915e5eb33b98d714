package io.ferry.clients;

import io.ferry.core.config.KafkaConfig;
import io.ferry.core.event.Checkpoint;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What Ferry needs of one of its topics: what it creates when the topic is absent, and what it
 * checks when the topic exists (created by an earlier run, by an operator, or by a broker's
 * auto-creation).
 *
 * @param name the topic
 * @param partitions partitions when Ferry creates it; an existing topic may have any number
 * @param compacted whether {@code cleanup.policy} must include {@code compact}: a replay from the
 *     beginning rebuilds a database only from a log that keeps every key's newest record
 * @param requiredMessageBytes the smallest {@code max.message.bytes} that works; 0 for no check
 * @param wantedMessageBytes the {@code max.message.bytes} Ferry creates the topic with, and raises a
 *     smaller one to where it may alter the topic; 0 for the broker's default
 * @param replicationFactor replicas when Ferry creates it; empty means 3, or the number of brokers when
 *     there are fewer
 * @param minInsyncReplicas {@code min.insync.replicas} when Ferry creates it; empty means 2 when the
 *     replication factor is 3 or more, otherwise the broker's default
 * @param extraConfigs further topic settings used only when Ferry creates the topic
 */
public record TopicSpec(String name, int partitions, boolean compacted, int requiredMessageBytes, int wantedMessageBytes,
                        Optional<Integer> replicationFactor, Optional<Integer> minInsyncReplicas,
                        Map<String, String> extraConfigs) {

    /**
     * A 1.5 MiB etcd value (etcd's default request limit) grows by 4/3 in base64, plus its key and the
     * JSON envelope: the smallest record limit with which every etcd value fits.
     */
    public static final int REQUIRED_CHANGE_MESSAGE_BYTES = 2_300_000;

    /** The change topic: compacted, records up to {@code maxMessageBytes}, partitioned as configured. */
    public static TopicSpec changeTopic(KafkaConfig kafka, int maxMessageBytes) {
        return new TopicSpec(kafka.topic(), kafka.partitions(), true, REQUIRED_CHANGE_MESSAGE_BYTES, maxMessageBytes,
                kafka.replicationFactor(), kafka.minInsyncReplicas(), Map.of());
    }

    /**
     * The watcher's checkpoint topic: one partition, compacted, and segments rolled hourly so that
     * compaction, which never touches the active segment, keeps it small (a checkpoint per commit, tens
     * a second). The watcher writes and reads partition 0, so a pre-created topic may have more.
     */
    public static TopicSpec checkpointTopic(KafkaConfig kafka) {
        return new TopicSpec(Checkpoint.topicFor(kafka.topic()), 1, true, 0, 0, kafka.replicationFactor(),
                kafka.minInsyncReplicas(), Map.of(TopicConfig.SEGMENT_MS_CONFIG, "3600000"));
    }

    /** The sink's dead-letter topic: a plain log of the records it could not apply, kept as the broker keeps logs. */
    public static TopicSpec deadLetterTopic(KafkaConfig kafka, String name, int maxMessageBytes) {
        return new TopicSpec(name, 1, false, 0, maxMessageBytes, kafka.replicationFactor(), kafka.minInsyncReplicas(),
                Map.of());
    }

    /** The replication factor to create with on a cluster of {@code brokers}. */
    int replicationFactorFor(int brokers) {
        return replicationFactor.orElse(Math.max(1, Math.min(3, brokers)));
    }

    /** The {@code min.insync.replicas} to create with, if any, for a replication factor. */
    Optional<Integer> minInsyncReplicasFor(int replicationFactor) {
        return minInsyncReplicas.isPresent() ? minInsyncReplicas
                : replicationFactor >= 3 ? Optional.of(2) : Optional.empty();
    }
}
