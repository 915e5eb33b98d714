package io.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time used by this JVM, by its child processes (the bench's etcd and Kafka broker) and by the
 * whole machine, from Linux's {@code /proc}: take a reading before and after a step, and
 * {@link #coresBetween} says how many cores each used meanwhile. It shows where the shared cores
 * went; on another OS every reading is empty.
 */
final class CpuUse {

    /** Linux's USER_HZ, the unit of the times in {@code /proc}; 100 on every common platform. */
    private static final double TICKS_PER_SECOND = 100;

    private final long nanos;
    private final Map<String, Double> seconds;

    private CpuUse(long nanos, Map<String, Double> seconds) {
        this.nanos = nanos;
        this.seconds = seconds;
    }

    static CpuUse now() {
        Map<String, Double> s = new LinkedHashMap<>();
        put(s, "bench_jvm", ProcessHandle.current().pid());
        ProcessHandle.current().children().forEach(child -> put(s, name(child), child.pid()));
        try {
            // cpu  user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            s.put("machine", busy / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            // Not Linux: no machine figure.
        }
        return new CpuUse(System.nanoTime(), s);
    }

    /** CPU seconds used between {@code before} and this reading, by name. */
    Map<String, Double> secondsBetween(CpuUse before) {
        Map<String, Double> out = new LinkedHashMap<>();
        seconds.forEach((name, s) -> {
            Double b = before.seconds.get(name);
            if (b != null) {
                out.put(name, s - b);
            }
        });
        return out;
    }

    /** Cores used on average between {@code before} and this reading, by name. */
    Map<String, Double> coresBetween(CpuUse before) {
        double wall = (nanos - before.nanos) / 1e9;
        Map<String, Double> out = new LinkedHashMap<>();
        seconds.forEach((name, s) -> {
            Double b = before.seconds.get(name);
            if (b != null && wall > 0) {
                out.put(name, (s - b) / wall);
            }
        });
        return out;
    }

    private static String name(ProcessHandle child) {
        String cmdline;
        try {
            cmdline = Files.readString(Path.of("/proc", Long.toString(child.pid()), "cmdline")).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            cmdline = "";
        }
        if (child.info().command().orElse("").endsWith("etcd")) {
            return "etcd";
        }
        if (cmdline.contains("ferry.jar")) {
            return "ferry";
        }
        if (cmdline.contains("kafka")) {
            return "kafka_broker";
        }
        return "child_" + child.pid();
    }

    private static void put(Map<String, Double> s, String name, long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            s.put(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            // Gone, or not Linux: left out.
        }
    }
}
