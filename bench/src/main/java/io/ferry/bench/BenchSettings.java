package io.ferry.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sizes and switches of a bench run, from system properties ({@code -Dbench.keys=1000000}); the
 * defaults keep the whole run under 30 minutes on a shared 2-core machine.
 *
 * @param keys keys of the snapshot, replay and reconcile scenarios ({@code bench.keys})
 * @param valueBytes value size of every scenario ({@code bench.value.bytes})
 * @param snapshotKeys key counts of the snapshot scenario ({@code bench.snapshot.keys}; by default {@code keys})
 * @param snapshotValueBytes value sizes of the snapshot scenario ({@code bench.snapshot.value.bytes}; by
 *        default {@code valueBytes} and 1 KiB); the pass of {@code keys} and {@code valueBytes} feeds replay and reconcile
 * @param steadyKeys key space of the steady-state writes ({@code bench.steady.keys})
 * @param steadySeconds length of each steady-state step ({@code bench.steady.seconds})
 * @param steadyFractions write rates of the steps, as fractions of etcd's measured maximum ({@code bench.steady.fractions})
 * @param steadyMix what the steady-state load writes ({@code bench.steady.delete.ratio} and the rest, see {@link LoadMix})
 * @param cutoverKeys key counts of the cutover runs ({@code bench.cutover.keys})
 * @param ferryJvmArgs JVM options of the {@code ferry} child processes ({@code bench.ferry.jvm.args}, space-separated)
 * @param scenarios which to run ({@code bench.scenarios}); snapshot feeds replay and reconcile; peer makes its own data
 * @param out where results (JSON) and plots (PNG) go ({@code bench.out})
 * @param ferryJar the packaged {@code ferry} command, run as child processes ({@code bench.ferry.jar})
 * @param peerLibs Kafka Connect's and Debezium's jars for the peer scenario's child JVM ({@code bench.peer.libs})
 */
record BenchSettings(int keys, int valueBytes, List<Integer> snapshotKeys, List<Integer> snapshotValueBytes, int steadyKeys, int steadySeconds, List<Double> steadyFractions, LoadMix steadyMix,
                     List<Integer> cutoverKeys, List<String> ferryJvmArgs, Set<String> scenarios, Path out, Path ferryJar,
                     Path peerLibs) {

    /**
     * A fixed heap for the {@code ferry} processes, so that their memory can be compared across key
     * counts: without it the JVM sizes its heap from the machine (a quarter of 24 GiB here) and grows
     * it with the allocation rate. OOM exits as the deploy units do.
     */
    static final String DEFAULT_FERRY_JVM_ARGS = "-Xmx256m -XX:+ExitOnOutOfMemoryError";

    static final List<String> ALL = List.of("snapshot", "replay", "reconcile", "mapped", "watch", "steady", "shipped",
            "shipped-split", "cutover", "peer");

    static BenchSettings fromSystemProperties() {
        Set<String> scenarios = Arrays.stream(System.getProperty("bench.scenarios", String.join(",", ALL)).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        for (String s : scenarios) {
            if (!ALL.contains(s)) {
                throw new IllegalArgumentException("bench.scenarios: unknown scenario '" + s + "'; known: " + ALL);
            }
        }
        int keys = Integer.getInteger("bench.keys", 100_000);
        int valueBytes = Integer.getInteger("bench.value.bytes", 256);
        return new BenchSettings(
                keys,
                valueBytes,
                integers("bench.snapshot.keys", Integer.toString(keys)),
                integers("bench.snapshot.value.bytes", valueBytes + ",1024"),
                Integer.getInteger("bench.steady.keys", 10_000),
                Integer.getInteger("bench.steady.seconds", 20),
                Arrays.stream(System.getProperty("bench.steady.fractions", "0.05,0.25,0.5,1.0").split(","))
                        .map(String::trim).map(Double::valueOf).toList(),
                LoadMix.fromSystemProperties(),
                integers("bench.cutover.keys", "10000,100000"),
                Arrays.stream(System.getProperty("bench.ferry.jvm.args", DEFAULT_FERRY_JVM_ARGS).trim().split("\\s+"))
                        .filter(s -> !s.isEmpty()).toList(),
                scenarios,
                Path.of(System.getProperty("bench.out", "docs/benchmarks")),
                Path.of(System.getProperty("bench.ferry.jar", "cli/target/ferry.jar")),
                Path.of(System.getProperty("bench.peer.libs", "bench/peer/target/peer-libs")));
    }

    private static List<Integer> integers(String property, String defaultValue) {
        return Arrays.stream(System.getProperty(property, defaultValue).split(","))
                .map(String::trim).filter(v -> !v.isEmpty()).map(Integer::valueOf).distinct().toList();
    }

    boolean runs(String scenario) {
        return scenarios.contains(scenario);
    }
}
