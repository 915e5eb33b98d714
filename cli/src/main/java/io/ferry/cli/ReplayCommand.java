package io.ferry.cli;

import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.sink.Replay;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ferry replay}: rewrite the offsets the sink keeps in SQL, so it applies the topic again
 * from there. The revision guard makes this safe on a live database: nothing current changes.
 */
@Command(name = "replay", description = {"Rewind (or move) the sink's offsets, which Ferry keeps in SQL.",
    "On a live database nothing that is already current changes; into an empty one it rebuilds everything."})
final class ReplayCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @ArgGroup(multiplicity = "1")
    Target target;

    /** Exactly one of the three ways to say where to replay from. */
    static final class Target {
        @Option(names = "--from-beginning", description = "Replay every partition from its first offset.")
        boolean fromBeginning;

        @Option(names = "--from-timestamp", paramLabel = "ISO-8601",
                description = "Replay from the first record at or after this time, e.g. 2026-11-21T10:00:00Z.")
        String fromTimestamp;

        @Option(names = "--to-offsets", paramLabel = "P=OFFSET[,P=OFFSET...]", split = ",",
                description = "Set these partitions to these offsets, e.g. 0=1200,3=0.")
        Map<Integer, Long> toOffsets;
    }

    @Override
    public Integer call() {
        FerryConfig c = Components.resolveEmbedded(config.load());
        Map<Integer, Long> result;
        if (target.fromBeginning) {
            result = Replay.fromBeginning(c);
        } else if (target.fromTimestamp != null) {
            result = Replay.fromTimestamp(c, parse(target.fromTimestamp));
        } else {
            result = Replay.toOffsets(c, target.toOffsets);
        }
        System.out.println("Stored offsets of topic " + c.kafka().topic() + " are now:");
        new TreeMap<>(result).forEach((p, o) -> System.out.printf("  partition %d -> offset %d%n", p, o));
        System.out.println("Running sinks pick this up at their next batch; stopped ones when they start.");
        return Ferry.EXIT_OK;
    }

    private static Instant parse(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new FerryException("--from-timestamp '" + s + "' is not an ISO-8601 instant such as 2026-11-21T10:00:00Z");
        }
    }
}
