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
        for (String step : new String[] {"1 of 6: Start a local etcd", "2 of 6: Load a Diego-style keyspace", "3 of 6: ferry run",
            "4 of 6: ferry status", "5 of 6: ferry cutover", "6 of 6: ferry reconcile"}) {
            assertTrue(out.contains(step), "missing '" + step + "' in:\n" + out);
        }
        Matcher downtime = Pattern.compile("F=(\\d+)\\. Downtime \\(freeze to switch\\): (\\d+) ms").matcher(out);
        assertTrue(downtime.find(), out);
        assertTrue(out.contains("Verdict: CLEAN"), out);
        assertTrue(out.contains("0 late writes"), out);

        JsonNode report = new ObjectMapper().readTree(work.resolve("report.json").toFile());
        assertEquals("clean", report.get("verdict").asText(), report.toString());
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
