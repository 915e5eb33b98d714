package io.ferry.sink;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends bad records to the dead-letter topic, as they were, with the reason and origin in
 * headers. Sent and acknowledged before the batch commits, so a crash can only send a record
 * twice, never lose it.
 */
final class DeadLetters implements AutoCloseable {

    static final String REASON = "ferry.error.reason";
    static final String ORIGIN = "ferry.error.origin";

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    DeadLetters(String topic, Map<String, Object> clientProperties) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(clientProperties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    void send(List<BadRecord> bad) {
        var futures = bad.stream().map(b -> {
            RecordHeaders headers = new RecordHeaders(b.record().headers().toArray());
            headers.add(REASON, b.reason().getBytes(StandardCharsets.UTF_8));
            headers.add(ORIGIN, (b.record().topic() + "-" + b.record().partition() + "@" + b.record().offset())
                    .getBytes(StandardCharsets.UTF_8));
            return producer.send(new ProducerRecord<>(topic, null, b.record().key(), b.record().value(), headers));
        }).toList();
        for (var f : futures) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SinkException("interrupted while sending to dead-letter topic " + topic, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new SinkException("cannot send a bad record to dead-letter topic " + topic + ": " + e.getMessage()
                        + ". Create the topic, or unset sink.dlq.topic to halt the partition instead.", e);
            }
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
