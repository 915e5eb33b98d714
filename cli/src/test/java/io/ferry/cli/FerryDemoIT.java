package io.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart a newcomer runs: {@code ferry demo} starts its own etcd, loads the Diego-style
 * sample, replicates it through embedded Kafka into SQLite while writers write, cuts over and
 * prints a clean report. Run from the packaged jar, as the README's first command does.
 */
@Timeout(240)
class FerryDemoIT {

    @TempDir
    Path dir;

    @Test
    void theDemoTellsTheWholeStoryAndEndsClean() throws Exception {
        Path work = dir.resolve("demo");
        Cli.Result r = Cli.run(dir, "demo", "--keys", "3000", "--dir", work.toString());
        assertEquals(0, r.exit(), r.out() + "\n" + r.err());
        String out = r.out();
        for (String step : new String[] {"1 of 7: Start a local etcd", "2 of 7: Load a Diego-style keyspace", "3 of 7: ferry run",
            "4 of 7: ferry status", "5 of 7: ferry cutover", "6 of 7: ferry reconcile", "7 of 7: SQL over the typed tables"}) {
            assertTrue(out.contains(step), "missing '" + step + "' in:\n" + out);
        }
        Matcher downtime = Pattern.compile("F=(\\d+)\\. Downtime \\(freeze to switch\\): (\\d+) ms").matcher(out);
        assertTrue(downtime.find(), out);
        assertTrue(out.contains("Verdict: CLEAN"), out);
        assertTrue(out.contains("0 late writes"), out);

        // Issue 24's demo: BBS-framed protobuf (some sealed), JSON, values that do not decode, each mapped table checked.
        for (String table : new String[] {"desired_lrps", "actual_lrps", "tasks", "domains"}) {
            assertTrue(Pattern.compile("mapped table " + table + ": [\\d,]+ etcd keys, [1-9][\\d,]* project to a row, [\\d,]+ rows in SQL; "
                    + "no differences").matcher(out).find(), table + " in:\n" + out);
        }
        assertTrue(out.contains("Values that did not decode for their mapping: desired_lrps: encrypted_no_key"), out);
        Matcher memory = Pattern.compile("(?m)^ +256 +(\\d+) +(\\d+)$").matcher(out);
        assertTrue(memory.find() && Integer.parseInt(memory.group(1)) > 0, "desired LRPs of 256 MB, from protobuf, in SQL:\n" + out);

        JsonNode report = new ObjectMapper().readTree(work.resolve("report.json").toFile());
        assertEquals("clean", report.get("verdict").asText(), report.toString());
        assertEquals(4, report.get("mapped_tables").size(), report.toString());
        // The demo's writers delete keys as well as write them, so a few of the 3000 may be gone by the reconcile.
        assertTrue(report.get("etcd_keys").asLong() > 2500, report.toString());
        assertEquals(report.get("etcd_keys").asLong(), report.get("sql_rows").asLong(), report.toString());
        assertTrue(Files.readString(work.resolve("report.html")).contains("CLEAN"), "the HTML report shows the verdict");

        // A second run starts over in the same directory, which the demo owns.
        assertEquals(0, Cli.run(dir, "demo", "--keys", "500", "--dir", work.toString()).exit());
        // ... but it refuses to empty a directory it did not make.
        Path foreign = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(foreign.resolve("precious.txt"), "keep me");
        Cli.Result refused = Cli.run(dir, "demo", "--dir", foreign.toString());
        assertEquals(2, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("was not made by ferry demo"), refused.err());
        assertTrue(Files.exists(foreign.resolve("precious.txt")));
    }
}
