package io.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap figures of a child JVM from its GC log ({@link #option}): each collection logs the heap used
 * before and after it and the committed heap, e.g.
 * {@code GC(3) Pause Young (Normal) (G1 Evacuation Pause) 29M->12M(256M) 4.9ms}, and the exit
 * summary the heap in use at the end ({@code garbage-first heap total 262144K, used 35126K}). The
 * largest "before" (or the exit's "used") is the peak heap used, since the heap peaks at a
 * collection; the largest "after" is the most the process ever kept live.
 */
final class GcLog {

    private static final Pattern EXIT = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");
    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) Pause .*? (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    /**
     * @param collections pauses that reported sizes
     * @param peakUsedMiB largest heap used before a collection or at exit
     * @param peakLiveMiB largest heap used after a collection
     * @param peakCommittedMiB largest committed heap
     */
    record Peaks(int collections, double peakUsedMiB, double peakLiveMiB, double peakCommittedMiB) {
    }

    private GcLog() {
    }

    /** The JVM option that writes what this reads to {@code file}. */
    static String option(Path file) {
        return "-Xlog:gc,gc+heap+exit:file=" + file;
    }

    static Peaks read(Path log) throws IOException {
        return parse(Files.readAllLines(log));
    }

    static Peaks parse(List<String> lines) {
        int n = 0;
        double used = 0;
        double live = 0;
        double committed = 0;
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                n++;
                used = Math.max(used, mib(m.group(1), m.group(2)));
                live = Math.max(live, mib(m.group(3), m.group(4)));
                committed = Math.max(committed, mib(m.group(5), m.group(6)));
            }
            Matcher e = EXIT.matcher(line);
            if (e.find()) {
                used = Math.max(used, mib(e.group(2), "K"));
                committed = Math.max(committed, mib(e.group(1), "K"));
            }
        }
        return new Peaks(n, used, live, committed);
    }

    private static double mib(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "K" -> v / 1024;
            case "G" -> v * 1024;
            default -> v;
        };
    }
}
