package io.ferry.cli.faults;

import java.util.Random;

/**
 * The seeded sequence of one kind's faults: the pause before each and a number that seeds its
 * choices (how long a process runs before its kill, which sink, which proxy...). The same seed gives
 * the same sequence; when each fault lands relative to the workload and to the other kinds' lanes
 * depends on timing.
 */
final class FaultSchedule {

    /** One scheduled fault: its kind, the pause before it, and a seeded number for its choices. */
    record Fault(FaultKind kind, long pauseBeforeMs, long choice) {
    }

    private final FaultKind kind;
    private final Random rnd;

    FaultSchedule(long seed, FaultKind kind) {
        this.kind = kind;
        this.rnd = new Random(seed * 7919L + kind.ordinal());
    }

    FaultKind kind() {
        return kind;
    }

    /** The next fault of this kind; the sequence does not end (the lane's deadline and count do). */
    Fault next() {
        // A server gets a little longer to serve between two of its restarts than a process between two kills.
        long pause = kind.restartsServer() ? 500 + rnd.nextInt(2000) : 200 + rnd.nextInt(1800);
        return new Fault(kind, pause, rnd.nextLong());
    }
}
