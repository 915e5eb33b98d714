package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.event.ControlRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

    private final BatchPlanner halting = new BatchPlanner(new RecordDecoder(100, 100), false);
    private final BatchPlanner diverting = new BatchPlanner(new RecordDecoder(100, 100), true);

    @SafeVarargs
    private static ConsumerRecords<byte[], byte[]> poll(ConsumerRecord<byte[], byte[]>... records) {
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> map = new HashMap<>();
        for (var r : records) {
            map.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new java.util.ArrayList<>()).add(r);
        }
        return new ConsumerRecords<>(map, Map.of());
    }

    private static Map<Integer, PartitionProgress> fresh(int... partitions) {
        Map<Integer, PartitionProgress> m = new HashMap<>();
        for (int p : partitions) {
            m.put(p, PartitionProgress.NEW);
        }
        return m;
    }

    @Test
    void aPlanIsSharedBetweenWritersByPartitionKeepingPartitionOrderAndRecordCounts() {
        BatchPlan plan = halting.plan(poll(Records.put(3, 0, "/a", "1", 10), Records.put(0, 0, "/b", "1", 11),
                Records.put(0, 1, "/c", "1", 12), Records.put(2, 0, "/d", "1", 13), Records.put(1, 0, "/e", "1", 14)),
                fresh(0, 1, 2, 3, 5));
        List<BatchPlan> shares = plan.shares(2);
        assertEquals(2, shares.size());
        assertEquals(List.of(0, 2), shares.get(0).partitions().stream().map(PartitionPlan::partition).toList());
        assertEquals(List.of(1, 3), shares.get(1).partitions().stream().map(PartitionPlan::partition).toList());
        assertEquals(3, shares.get(0).records(), "partition 0's two records and partition 2's one");
        assertEquals(2, shares.get(1).records());
        assertEquals(plan.records(), shares.get(0).records() + shares.get(1).records());
        List<BatchPlan> three = plan.shares(3);
        assertEquals(List.of(0, 3), three.get(0).partitions().stream().map(PartitionPlan::partition).toList());
        assertTrue(plan.shares(7).get(5).partitions().isEmpty(), "a writer without a partition in the poll gets nothing");
    }

    @Test
    void watermarkMovesOnlyToRevisionsKnownComplete() {
        BatchPlan plan = halting.plan(poll(Records.put(0, 0, "/a", "1", 10), Records.put(0, 1, "/b", "1", 10),
                Records.put(0, 2, "/c", "1", 12)), fresh(0));
        PartitionPlan p = plan.partitions().get(0);
        // Revision 12 may continue in the next poll; 11 is complete.
        assertEquals(11, p.watermark());
        assertEquals(-1, p.expectedOffset());
        assertEquals(3, p.nextOffset());
        plan = halting.plan(poll(Records.put(0, 3, "/d", "1", 12), Records.control(0, 4, ControlRecord.Kind.WATERMARK, 1, 15)),
                Map.of(0, new PartitionProgress(3, 11, 0, 0, 0)));
        assertEquals(15, plan.partitions().get(0).watermark());
        assertEquals(3, plan.partitions().get(0).expectedOffset());
    }

    @Test
    void aSnapshotHoldsTheWatermarkUntilItsEnd() {
        BatchPlan plan = halting.plan(poll(Records.control(0, 0, ControlRecord.Kind.SNAPSHOT_BEGIN, 2, 50),
                Records.read(0, 1, "/a", 20, 50), Records.control(0, 2, ControlRecord.Kind.WATERMARK, 2, 50)),
                Map.of(0, new PartitionProgress(0, 30, 0, 0, 0)));
        PartitionPlan p = plan.partitions().get(0);
        assertEquals(30, p.watermark());
        assertEquals(2, p.snapshotEpoch());
        assertEquals(50, p.snapshotRevision());
        plan = halting.plan(poll(Records.read(0, 3, "/b", 21, 50), Records.control(0, 4, ControlRecord.Kind.SNAPSHOT_END, 2, 50)),
                Map.of(0, new PartitionProgress(3, 30, 2, 50, 4)));
        p = plan.partitions().get(0);
        assertEquals(50, p.watermark());
        assertEquals(0, p.snapshotEpoch());
        assertTrue(((RowChange) p.items().get(0)).snapshotRefresh());
        assertTrue(p.items().get(1) instanceof SnapshotMark m && !m.begin());
    }

    @Test
    void aBadRecordHaltsOnlyItsPartitionAtItsOffset() {
        var bad = Records.record(1, 7, Records.bytes("/bad"), Records.bytes("not json"), "change", 9);
        BatchPlan plan = halting.plan(poll(Records.put(0, 0, "/a", "1", 5), Records.put(1, 6, "/b", "1", 6), bad,
                Records.put(1, 8, "/c", "1", 10)), Map.of(0, PartitionProgress.NEW, 1, new PartitionProgress(6, 0, 0, 0, 0)));
        PartitionPlan p0 = plan.partitions().get(0);
        PartitionPlan p1 = plan.partitions().get(1);
        assertNull(p0.halt());
        assertNotNull(p1.halt());
        assertEquals(7, p1.halt().record().offset());
        assertEquals(7, p1.nextOffset(), "the bad record is where the partition resumes");
        assertEquals(1, p1.items().size());
        assertTrue(p1.halt().describe().contains("t-1@7") && p1.halt().describe().contains("'/bad'"),
                p1.halt().describe());
    }

    @Test
    void withADeadLetterTopicABadRecordIsDivertedAndThePartitionGoesOn() {
        var bad = Records.record(0, 1, Records.bytes("/bad"), Records.bytes("not json"), "change", 9);
        BatchPlan plan = diverting.plan(poll(Records.put(0, 0, "/a", "1", 5), bad, Records.put(0, 2, "/c", "1", 10)), fresh(0));
        PartitionPlan p = plan.partitions().get(0);
        assertNull(p.halt());
        assertEquals(3, p.nextOffset());
        assertEquals(2, p.items().size());
        assertEquals(1, plan.deadLetters().size());
    }
}
