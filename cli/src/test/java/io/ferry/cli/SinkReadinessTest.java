package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SinkReadinessTest {

    @Test
    void aHaltedPartitionIsNeverReady() {
        Optional<String> why = SinkReadiness.notReady(Set.of(3, 1), Map.of(1, 10L, 3, 10L), OptionalLong.of(10), 1000);
        assertEquals(Optional.of("sink partitions [1, 3] are halted on a bad record (the log names it; fix it, or skip it "
                + "with ferry replay --to-offsets)"), why);
    }

    @Test
    void aPartitionLaggingEtcdByMoreThanTheLimitIsNotReady() {
        Map<Integer, Long> watermarks = Map.of(0, 1300L, 1, 400L);
        assertEquals(Optional.empty(), SinkReadiness.notReady(Set.of(), watermarks, OptionalLong.of(1400), 1000));
        Optional<String> why = SinkReadiness.notReady(Set.of(), watermarks, OptionalLong.of(1401), 1000);
        assertTrue(why.orElseThrow().startsWith("sink partition 1 is applied through revision 400, 1001 revisions behind etcd"),
                why.get());
    }

    @Test
    void withoutAWatcherPartitionsAreComparedWithTheNewest() {
        Optional<String> why = SinkReadiness.notReady(Set.of(), Map.of(0, 2000L, 1, 900L), OptionalLong.empty(), 1000);
        assertTrue(why.orElseThrow().contains("1100 revisions behind the sink's newest partition"), why.get());
        assertEquals(Optional.empty(), SinkReadiness.notReady(Set.of(), Map.of(), OptionalLong.empty(), 0));
    }
}
