package io.ferry.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records a reader at a given offset has still to read, per partition. An end offset alone overstates it on
 * Ferry's transactional topics: each commit leaves a marker that takes an offset and is never delivered, so an idle
 * sink that has applied everything sits one offset (or more) below the end. Where the gap is small, the records in it
 * are counted with a {@code read_committed} consumer that reads from the given offset to the end; a larger gap, a
 * partition not read to its end within the time allowed, or a principal that may not read the topic leaves the gap as
 * it is, an upper bound off by one per transaction at most.
 */
public final class RecordLag {

    /** Gaps up to this many offsets are counted record by record; a larger one is a real backlog either way. */
    static final long COUNT_LIMIT = 10_000;

    private RecordLag() {
    }

    /**
     * @param consumer a group-less consumer's settings ({@link KafkaSettings#consumer()})
     * @param next per partition, the next offset the reader will read
     * @param ends per partition, the topic's end offset
     * @param timeout how long the counting may take in all
     * @return per partition of {@code next} that has an end: the records between its next offset and its end
     */
    public static Map<Integer, Long> of(Map<String, Object> consumer, String topic, Map<Integer, Long> next,
                                        Map<Integer, Long> ends, Duration timeout) {
        Map<Integer, Long> lag = new HashMap<>();
        List<TopicPartition> toCount = new ArrayList<>();
        next.forEach((p, offset) -> {
            Long end = ends.get(p);
            if (end != null) {
                long gap = Math.max(0, end - offset);
                lag.put(p, gap);
                if (gap > 0 && gap <= COUNT_LIMIT) {
                    toCount.add(new TopicPartition(topic, p));
                }
            }
        });
        if (toCount.isEmpty()) {
            return lag;
        }
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumer)) {
            c.assign(toCount);
            toCount.forEach(tp -> c.seek(tp, next.get(tp.partition())));
            Map<Integer, Long> counted = new HashMap<>();
            List<TopicPartition> open = new ArrayList<>(toCount);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() < ends.get(r.partition())) {
                        counted.merge(r.partition(), 1L, Long::sum);
                    }
                }
                // The position passes a marker without delivering it, so reaching the end means every record was seen.
                open.removeIf(tp -> {
                    if (c.position(tp) >= ends.get(tp.partition())) {
                        lag.put(tp.partition(), counted.getOrDefault(tp.partition(), 0L));
                        return true;
                    }
                    return false;
                });
                if (!open.isEmpty()) {
                    c.pause(toCount.stream().filter(tp -> !open.contains(tp)).toList());
                }
            }
        } catch (KafkaException e) {
            // Counting is a refinement: the gaps already in lag stand.
        }
        return lag;
    }
}
