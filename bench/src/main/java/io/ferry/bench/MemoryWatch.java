package io.ferry.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak heap and peak RSS of a process. For this JVM the peaks can be reset between scenarios
 * (heap pools' peak usage, and Linux's VmHWM through {@code /proc/self/clear_refs}); for a child
 * process only its VmHWM is read, from {@code /proc/<pid>/status}.
 */
final class MemoryWatch {

    private MemoryWatch() {
    }

    static void reset() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            // Not Linux, or not allowed: the RSS peak then covers the whole run, which the result says.
        }
    }

    /** Sum of the heap pools' peaks since the last reset, in MiB. */
    static double peakHeapMiB() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / 1048576.0;
    }

    /** Peak resident set size of {@code pid} ("self" for this JVM) in MiB, or -1 when unknown. */
    static double peakRssMiB(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
