package io.ferry.sink;

import io.ferry.core.event.Bytes;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record the sink cannot apply, with the reason. It halts its partition, or goes to the
 * dead-letter topic when one is configured; it is never skipped silently.
 *
 * @param record the record as consumed
 * @param reason why it cannot be applied
 * @param signatureProblem {@code unsigned}, {@code unknown_key} or {@code invalid} when its signature was
 *     refused, else null
 */
record BadRecord(ConsumerRecord<byte[], byte[]> record, String reason, String signatureProblem) {

    BadRecord(ConsumerRecord<byte[], byte[]> record, String reason) {
        this(record, reason, null);
    }

    /** The message an operator sees: topic, partition, offset, key and reason. */
    String describe() {
        return "record " + record.topic() + "-" + record.partition() + "@" + record.offset() + " (key "
                + (record.key() == null ? "null" : Bytes.printable(record.key())) + ") cannot be applied: " + reason;
    }
}
