package io.ferry.sink;

import java.util.List;

/**
 * The collaborators of the consumer loop, wired once by {@link JdbcSink#create}.
 *
 * @param topic the change topic
 * @param group the consumer group
 * @param instanceId this sink's static member id in the group
 * @param table the generic table
 * @param planner turns polls into plans
 * @param writers apply plans: one per writer thread, each used by its own thread only (they keep per-thread state,
 *     such as whether bulk loading pays)
 * @param offsets reads and writes ferry_offsets
 * @param retrier retries transient database failures
 * @param purger purges old tombstones
 * @param metrics the sink's meters
 * @param deadLetters the dead-letter producer, or null when records halt their partition
 * @param dlqTopic the dead-letter topic, or null
 */
record SinkParts(String topic, String group, String instanceId, String table, BatchPlanner planner, List<BatchWriter> writers,
                 OffsetStore offsets,
                 Retrier retrier, TombstonePurger purger, SinkMetrics metrics, DeadLetters deadLetters, String dlqTopic) {
}
