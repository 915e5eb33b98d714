package io.ferry.cli.faults;

import java.time.Duration;

/**
 * The knobs of a fault-injection run, read from system properties so that the same test class is
 * the short CI run and the long run: {@code -Dfaults.seed=N -Dfaults.minutes=M -Dfaults.ops=K}.
 *
 * @param testClass  the test class that runs it (one per topology), for the command that repeats it
 * @param seed       seeds the workload's content and the fault schedule; a failure prints it
 * @param workload   how long the workload and the faults run at least (the checks come after)
 * @param perKind    how many faults of every kind the run injects at least: it goes on past {@code workload} until it has
 * @param limit      the longest the workload and the faults may run; a kind still short of {@code perKind} then fails the run
 * @param ops        key writes the workload paces itself to over {@code workload}
 * @param workers    concurrent writers; each owns a disjoint slice of the keys
 * @param largeEvery one single put in this many carries a 200 KiB value
 * @param excluded   fault kinds left out of the schedule ({@code -Dfaults.exclude=ETCD_RESTART,...})
 */
record FaultSettings(String testClass, long seed, Duration workload, int perKind, Duration limit, long ops, int workers, int largeEvery,
                     java.util.Set<FaultKind> excluded) {

    /**
     * The settings of a run of {@code testClass}; without properties, its CI short run: at least
     * {@code minutes} minutes and {@code perKind} faults of every kind.
     */
    static FaultSettings fromSystemProperties(String testClass, double defaultMinutes, int defaultPerKind) {
        String seed = System.getProperty("faults.seed");
        double minutes = Double.parseDouble(System.getProperty("faults.minutes", String.valueOf(defaultMinutes)));
        long ops = Long.parseLong(System.getProperty("faults.ops", String.valueOf(Math.round(minutes * 20_000))));
        double limitMinutes = Double.parseDouble(System.getProperty("faults.limit.minutes", String.valueOf(minutes + 12)));
        return new FaultSettings(testClass, seed == null || seed.isBlank() ? System.nanoTime() & 0xFFFFFFFFL : Long.parseLong(seed.trim()),
                Duration.ofMillis(Math.round(minutes * 60_000)), Integer.parseInt(System.getProperty("faults.per.kind", String.valueOf(defaultPerKind))),
                Duration.ofMillis(Math.round(limitMinutes * 60_000)), ops,
                Integer.parseInt(System.getProperty("faults.workers", "4")),
                Integer.parseInt(System.getProperty("faults.large.every", "400")), excluded(System.getProperty("faults.exclude", "")));
    }

    private static java.util.Set<FaultKind> excluded(String list) {
        java.util.Set<FaultKind> kinds = java.util.EnumSet.noneOf(FaultKind.class);
        for (String name : list.split(",")) {
            if (!name.isBlank()) {
                kinds.add(FaultKind.valueOf(name.trim()));
            }
        }
        return kinds;
    }

    /** The command line that repeats this run. */
    String reproduce() {
        return "mvn -B verify -pl cli -Dit.test=" + testClass + " -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dfailsafe.failIfNoSpecifiedTests=false -Dfaults.seed=" + seed + " -Dfaults.minutes=" + (workload.toMillis() / 60_000.0)
                + " -Dfaults.per.kind=" + perKind + " -Dfaults.limit.minutes=" + (limit.toMillis() / 60_000.0)
                + " -Dfaults.ops=" + ops + (excluded.isEmpty() ? "" : " -Dfaults.exclude=" + excluded.stream().map(Enum::name)
                .collect(java.util.stream.Collectors.joining(",")));
    }
}
