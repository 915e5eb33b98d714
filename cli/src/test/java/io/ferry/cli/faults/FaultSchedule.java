package io.ferry.cli.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The seeded order of faults in one lane: rounds in which every kind of the lane occurs (process
 * kills, which are cheap, three times), shuffled within the round. The same seed gives the same
 * order and the same pauses; when each fault lands relative to the workload depends on timing.
 */
final class FaultSchedule {

    /** One scheduled fault: its kind, the pause before it, and a seeded number for its choices. */
    record Fault(FaultKind kind, long pauseBeforeMs, long choice) {
    }

    private final List<Fault> faults = new ArrayList<>();

    FaultSchedule(long seed, FaultKind.Lane lane, int rounds, java.util.Set<FaultKind> excluded) {
        Random rnd = new Random(seed * 7919L + lane.ordinal());
        for (int r = 0; r < rounds; r++) {
            List<FaultKind> round = new ArrayList<>();
            for (FaultKind k : FaultKind.values()) {
                if (k.lane == lane && !excluded.contains(k)) {
                    int times = k == FaultKind.WATCHER_KILL || k == FaultKind.SINK_KILL ? 2 : 1;
                    for (int i = 0; i < times; i++) {
                        round.add(k);
                    }
                }
            }
            Collections.shuffle(round, rnd);
            for (FaultKind k : round) {
                long pause = lane == FaultKind.Lane.SERVERS ? 1000 + rnd.nextInt(3000) : 300 + rnd.nextInt(2700);
                faults.add(new Fault(k, pause, rnd.nextLong()));
            }
        }
    }

    List<Fault> faults() {
        return faults;
    }
}
