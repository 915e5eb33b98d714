package io.ferry.sink;

import io.ferry.core.event.ControlRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Turns a poll into a {@link BatchPlan}: decodes each record, works out the watermark each
 * partition reaches, and stops a partition at its first bad record unless bad records go to the
 * dead-letter topic.
 *
 * <p>The watermark only moves to revisions known complete. A watch event at revision s shows
 * that everything before s is complete (records of one partition arrive in revision order), a
 * watermark record W that everything up to W is, and a snapshot end at R that the whole
 * partition reflects R. While a snapshot is in progress the watermark does not move: rows its
 * snapshot has not reached yet may still be swept.
 */
final class BatchPlanner {

    private final RecordDecoder decoder;
    private final boolean deadLetterTopic;

    BatchPlanner(RecordDecoder decoder, boolean deadLetterTopic) {
        this.decoder = decoder;
        this.deadLetterTopic = deadLetterTopic;
    }

    BatchPlan plan(ConsumerRecords<byte[], byte[]> records, Map<Integer, PartitionProgress> progress) {
        List<PartitionPlan> plans = new ArrayList<>();
        List<BadRecord> deadLetters = new ArrayList<>();
        Map<Integer, TopicPartition> ordered = new TreeMap<>();
        records.partitions().forEach(tp -> ordered.put(tp.partition(), tp));
        for (TopicPartition tp : ordered.values()) {
            PartitionProgress start = progress.get(tp.partition());
            if (start != null) {
                plans.add(planPartition(tp.partition(), records.records(tp), start, deadLetters));
            }
        }
        return new BatchPlan(plans, deadLetters, records.count());
    }

    private PartitionPlan planPartition(int partition, List<ConsumerRecord<byte[], byte[]>> records,
                                        PartitionProgress start, List<BadRecord> deadLetters) {
        List<PlanItem> items = new ArrayList<>();
        long next = start.nextOffset();
        long watermark = start.watermark();
        long epoch = start.snapshotEpoch();
        long snapshotRevision = start.snapshotRevision();
        BadRecord halt = null;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Object decoded;
            try {
                decoded = decoder.decode(r, epoch > 0);
            } catch (BadRecordException e) {
                BadRecord bad = new BadRecord(r, e.getMessage(), e.signatureProblem());
                if (!deadLetterTopic) {
                    halt = bad;
                    break;
                }
                deadLetters.add(bad);
                next = r.offset() + 1;
                continue;
            }
            next = r.offset() + 1;
            if (decoded instanceof RowChange change) {
                items.add(change);
                if (epoch == 0 && change.progressRevision() > 0) {
                    watermark = Math.max(watermark, change.progressRevision() - 1);
                }
            } else if (decoded instanceof ControlRecord c) {
                switch (c.kind()) {
                    case WATERMARK -> watermark = epoch == 0 ? Math.max(watermark, c.revision()) : watermark;
                    case SNAPSHOT_BEGIN -> {
                        items.add(new SnapshotMark(partition, true, c.epoch(), c.revision()));
                        epoch = c.epoch();
                        snapshotRevision = c.revision();
                    }
                    case SNAPSHOT_END -> {
                        items.add(new SnapshotMark(partition, false, c.epoch(), c.revision()));
                        epoch = 0;
                        snapshotRevision = 0;
                        watermark = Math.max(watermark, c.revision());
                    }
                }
            }
        }
        return new PartitionPlan(partition, start.nextOffset(), next, watermark, epoch, snapshotRevision, items, halt,
                records.size());
    }
}
