package io.ferry.cli.preflight;

import io.ferry.core.config.FerryConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ferry check --connect}: reaches every server the part of Ferry needs, as that part's
 * identity, and prints one line per check with a mark and, where it did not pass, the fix.
 */
public final class Preflight {

    private Preflight() {
    }

    /** Runs the checks for {@code part}; true when none failed. */
    public static boolean run(FerryConfig config, Part part, PrintWriter out) {
        List<Finding> all = new ArrayList<>();
        if (part.kafka && !config.kafka().embedded()) {
            KafkaPreflight kafka = new KafkaPreflight(config, part);
            print(kafka.run(), out, all);
            if (part.etcd) {
                print(new EtcdPreflight(config, part).run(kafka.checkpoint()), out, all);
            }
        } else if (part.etcd) {
            print(new EtcdPreflight(config, part).run(java.util.Optional.empty()), out, all);
        }
        if (part.kafka && config.kafka().embedded()) {
            print(List.of(new Finding(Finding.Mark.NOTE, "Kafka", "embedded: ferry run starts its own broker on this machine")),
                    out, all);
        }
        if (part.database) {
            print(new DatabasePreflight(config, part).run(), out, all);
        }
        Map<Finding.Mark, Integer> counts = new TreeMap<>();
        all.forEach(f -> counts.merge(f.mark(), 1, Integer::sum));
        int failed = counts.getOrDefault(Finding.Mark.FAIL, 0);
        out.println(all.size() + " checks: " + counts.getOrDefault(Finding.Mark.OK, 0) + " ok, "
                + counts.getOrDefault(Finding.Mark.WARN, 0) + " warnings, " + counts.getOrDefault(Finding.Mark.NOTE, 0)
                + " notes, " + failed + " failed.");
        out.flush();
        return failed == 0;
    }

    private static void print(List<Finding> findings, PrintWriter out, List<Finding> all) {
        findings.forEach(f -> out.println(f.line()));
        out.flush(); // each server's lines as soon as they are known: a slow one should not hide the others
        all.addAll(findings);
    }
}
