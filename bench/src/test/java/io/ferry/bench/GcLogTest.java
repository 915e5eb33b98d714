package io.ferry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GcLogTest {

    @Test
    void peaksComeFromThePausesAndIgnoreOtherLines() {
        GcLog.Peaks p = GcLog.parse(List.of(
                "[0.032s][info][gc] Using G1",
                "[2.454s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 12M->4M(256M) 65.388ms",
                "[3.912s][info][gc] GC(3) Pause Young (Concurrent Start) (G1 Humongous Allocation) 93M->71M(256M) 5.556ms",
                "[3.950s][info][gc] GC(4) Concurrent Mark Cycle 12.1ms",
                "[4.000s][info][gc] GC(5) Pause Remark 80M->75M(240M) 1.2ms",
                "[4.813s][info][gc] GC(10) Pause Full (System.gc()) 2048K->1G(2G) 88.853ms"));
        assertEquals(4, p.collections());
        assertEquals(93, p.peakUsedMiB(), 1e-9);
        assertEquals(1024, p.peakLiveMiB(), 1e-9);
        assertEquals(2048, p.peakCommittedMiB(), 1e-9);
    }

    @Test
    void theExitSummaryCountsAsHeapUsed() {
        GcLog.Peaks p = GcLog.parse(List.of(
                "[1.527s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 12M->4M(256M) 50.580ms",
                "[3.999s][info][gc,heap,exit] Heap",
                "[3.999s][info][gc,heap,exit]  garbage-first heap   total 262144K, used 35126K [0x00000000f0000000, "
                        + "0x0000000100000000)",
                "[3.999s][info][gc,heap,exit]  Metaspace       used 8961K, committed 9152K, reserved 1114112K"));
        assertEquals(1, p.collections());
        assertEquals(35126 / 1024.0, p.peakUsedMiB(), 1e-9);
        assertEquals(4, p.peakLiveMiB(), 1e-9);
        assertEquals(256, p.peakCommittedMiB(), 1e-9);
    }

    @Test
    void anEmptyLogHasNoPeaks() {
        GcLog.Peaks p = GcLog.parse(List.of("[0.032s][info][gc] Using G1"));
        assertEquals(0, p.collections());
        assertEquals(0, p.peakUsedMiB(), 1e-9);
    }
}
