package io.ferry.clients;

import java.util.List;

/**
 * What one of Ferry's topics turned out to be, and what an operator should know about it.
 *
 * @param name the topic
 * @param partitions its partition count
 * @param replicationFactor replicas of its first partition
 * @param minInsyncReplicas its effective {@code min.insync.replicas}
 * @param cleanupPolicy its effective {@code cleanup.policy}
 * @param maxMessageBytes its effective {@code max.message.bytes}
 * @param brokers brokers in the cluster
 * @param created whether this check created it
 * @param warnings settings that work but put the guarantees at risk, each with the fix; empty when none
 */
public record TopicCheck(String name, int partitions, int replicationFactor, int minInsyncReplicas, String cleanupPolicy,
                         int maxMessageBytes, int brokers, boolean created, List<String> warnings) {

    /** One line for the start-up log. */
    public String describe() {
        return "topic " + name + ": " + settings();
    }

    /** Its settings, as {@link #describe} lists them after the name. */
    public String settings() {
        return partitions + " partitions, replication factor " + replicationFactor + ", min.insync.replicas "
                + minInsyncReplicas + ", cleanup.policy " + cleanupPolicy + ", max.message.bytes " + maxMessageBytes
                + " (" + brokers + (brokers == 1 ? " broker)" : " brokers)");
    }
}
