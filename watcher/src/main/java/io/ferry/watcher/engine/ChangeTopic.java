package io.ferry.watcher.engine;

/**
 * The change topic as the watcher found or made it.
 *
 * @param name the topic
 * @param partitions its partition count; control records go to every partition
 * @param maxMessageBytes the largest record both the topic and the producer accept
 */
record ChangeTopic(String name, int partitions, int maxMessageBytes) {
}
