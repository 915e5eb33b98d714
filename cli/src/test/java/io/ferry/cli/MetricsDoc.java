package io.ferry.cli;

import io.ferry.cli.deploy.DeployFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus names that docs/metrics.md documents, and the names a {@code /metrics} scrape
 * holds, compared as Prometheus forms them: a documented {@code ferry_sink_commit_time_seconds} is
 * exported as its {@code _count}, {@code _sum}, {@code _max} and {@code _bucket} series, a counter
 * documented with its {@code _total} is exported with it.
 */
final class MetricsDoc {

    /** What Prometheus appends to a documented name for the series of one meter. */
    static final List<String> SERIES_SUFFIXES = List.of("_total", "_count", "_sum", "_max", "_bucket");

    private static final Pattern NAME = Pattern.compile("`([a-z][a-z0-9_]*)(\\{[^}]*})?`");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

    private MetricsDoc() {
    }

    static Path file() {
        return DeployFiles.root().resolve("docs/metrics.md");
    }

    /** Every name in the Prometheus column of the tables of docs/metrics.md, without its labels. */
    static Set<String> documented() throws IOException {
        return documented(Files.readString(file()));
    }

    static Set<String> documented(String markdown) {
        Set<String> names = new TreeSet<>();
        int column = -1;
        for (String line : markdown.split("\n")) {
            if (!line.startsWith("|")) {
                column = -1;
                continue;
            }
            List<String> cells = List.of(line.split("\\|", -1));
            if (column < 0) {
                column = cells.stream().map(String::trim).toList().indexOf("Prometheus");
                continue; // the header, or a table without a Prometheus column
            }
            if (column >= cells.size() || line.startsWith("|---")) {
                continue;
            }
            Matcher m = NAME.matcher(cells.get(column));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The names of the samples in a scrape in Prometheus text format. */
    static Set<String> sampleNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Whether a documented name is in the scrape, as itself or as the series of its meter. */
    static boolean exported(String documented, Set<String> samples) {
        return samples.contains(documented) || SERIES_SUFFIXES.stream().anyMatch(s -> samples.contains(documented + s));
    }

    /** Whether a scraped sample belongs to a documented name, as itself or as one of its series. */
    static boolean documents(Set<String> documented, String sample) {
        return documented.contains(sample) || SERIES_SUFFIXES.stream()
                .anyMatch(s -> sample.endsWith(s) && documented.contains(sample.substring(0, sample.length() - s.length())));
    }
}
