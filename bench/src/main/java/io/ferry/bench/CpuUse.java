package io.ferry.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time used by this JVM, by its descendant processes (the bench's etcd and Kafka broker, and {@code ferry} when a
 * scenario starts it), by the database servers and by the whole machine, from Linux's {@code /proc}: take a reading
 * before and after a step, and {@link #coresBetween} says how many cores each used meanwhile. It shows where the
 * shared cores went; on another OS every reading is empty.
 *
 * <p>The database servers are not the bench's children: every process of the machine whose {@code comm} is
 * {@code postgres} counts as {@code postgres_server}, {@code mariadbd} or {@code mysqld} as {@code mariadb_server},
 * with the CPU of their children that have exited (a backend whose connection closed), whatever uses them.
 */
final class CpuUse {

    /** Linux's USER_HZ, the unit of the times in {@code /proc}; 100 on every common platform. */
    private static final double TICKS_PER_SECOND = 100;
    private static final Path PROC = Path.of("/proc");

    private final long nanos;
    private final Map<String, Double> seconds;

    private CpuUse(long nanos, Map<String, Double> seconds) {
        this.nanos = nanos;
        this.seconds = seconds;
    }

    static CpuUse now() {
        Map<String, Double> s = new LinkedHashMap<>();
        add(s, "bench_jvm", ProcessHandle.current().pid(), false);
        // Descendants, not only children: a launcher that forks its JVM instead of exec'ing it leaves the work in a
        // grandchild. Each process's own time only, so a parent and its child are not counted twice.
        ProcessHandle.current().descendants().forEach(p -> add(s, name(p), p.pid(), false));
        databaseServers(s);
        try {
            // cpu  user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
            String[] f = Files.readAllLines(PROC.resolve("stat")).get(0).trim().split("\\s+");
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

    private static String name(ProcessHandle process) {
        String cmdline;
        try {
            cmdline = Files.readString(PROC.resolve(Long.toString(process.pid())).resolve("cmdline"));
        } catch (IOException | RuntimeException e) {
            cmdline = "";
        }
        return name(process.info().command().orElse(""), List.of(cmdline.split("\0")), process.pid());
    }

    /**
     * The name of a process of the bench's from its executable and its command line's arguments: {@code etcd},
     * {@code ferry} ({@code ferry run}), {@code ferry_watch}, {@code ferry_sink}, {@code kafka_broker}, {@code reconciler}
     * (the reconcile scenario's child JVM), or
     * {@code child_<pid>}. Ferry is {@code java ... -jar .../ferry.jar <subcommand> ...} once {@code bin/ferry} has
     * exec'd its JVM, and {@code bash .../bin/ferry <subcommand> ...} before.
     */
    static String name(String command, List<String> args, long pid) {
        if (command.endsWith("etcd")) {
            return "etcd";
        }
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            // An option such as -Dbench.ferry.jar=.../ferry.jar names the jar but does not run it.
            boolean launches = !a.startsWith("-") && (a.equals("ferry.jar") || a.endsWith("/ferry.jar")
                    || a.equals("bin/ferry") || a.endsWith("/bin/ferry"));
            if (launches) {
                return ferryName(args.subList(i + 1, args.size()));
            }
        }
        // The broker's main class; other JVMs of the bench (Kafka Connect, the reconcile child) have
        // Kafka's jars on their class path too.
        if (args.contains("kafka.Kafka")) {
            return "kafka_broker";
        }
        if (args.contains(ReconcileChild.class.getName())) {
            return "reconciler";
        }
        return "child_" + pid;
    }

    /** {@code ferry}'s own options are flags; its first other argument is the subcommand. */
    private static String ferryName(List<String> rest) {
        for (String a : rest) {
            if (!a.startsWith("-")) {
                return switch (a) {
                    case "watch" -> "ferry_watch";
                    case "sink" -> "ferry_sink";
                    default -> "ferry";
                };
            }
        }
        return "ferry";
    }

    /** The database server a process belongs to from its {@code /proc/<pid>/comm}, or null. */
    static String serverName(String comm) {
        return switch (comm.trim()) {
            case "postgres" -> "postgres_server";
            case "mariadbd", "mysqld" -> "mariadb_server";
            default -> null;
        };
    }

    /** One pass over {@code /proc}; a process that ends meanwhile is left out. */
    private static void databaseServers(Map<String, Double> s) {
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(PROC)) {
            for (Path dir : pids) {
                String pid = dir.getFileName().toString();
                if (pid.isEmpty() || !Character.isDigit(pid.charAt(0))) {
                    continue;
                }
                String server;
                try {
                    server = serverName(Files.readString(dir.resolve("comm")));
                } catch (IOException | RuntimeException e) {
                    continue; // gone
                }
                if (server != null) {
                    add(s, server, Long.parseLong(pid), true);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: no database figures.
        }
    }

    /**
     * Adds the process's user and system time to {@code name}'s total; with {@code exitedChildren}, also the time of
     * its children that ended and were waited for (for a server, the connections that closed between readings).
     */
    private static void add(Map<String, Double> s, String name, long pid, boolean exitedChildren) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            // The command name (field 2) may hold spaces; the fields after its ')' are fixed:
            // utime, stime, cutime, cstime are fields 14 to 17, [11] to [14] here.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (exitedChildren) {
                ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
            s.merge(name, ticks / TICKS_PER_SECOND, Double::sum);
        } catch (IOException | RuntimeException e) {
            // Gone, or not Linux: left out.
        }
    }
}
