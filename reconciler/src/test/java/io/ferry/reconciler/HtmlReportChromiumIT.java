package io.ferry.reconciler;

import static io.ferry.reconciler.EtcdFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.reconciler.report.HtmlReport;
import io.ferry.reconciler.report.ReportContext;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Renders the HTML report in a real headless Chromium, as an operator's browser would. */
@Timeout(120)
class HtmlReportChromiumIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void reportRendersWithVerdictChartsAndTable(@TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM),
                "headless Chromium is needed to check the HTML report: run deploy/local/stack.sh prereqs (installs Debian's chromium)");
        Path html = dir.resolve("report.html");
        try (DifferenceLog log = new DifferenceLog(); PrintWriter out = new PrintWriter(Files.newBufferedWriter(html))) {
            for (int i = 0; i < 30; i++) {
                DifferenceKind kind = DifferenceKind.values()[i % 5];
                byte[] key = utf8("/v1/actual/pg-" + i + "/0/instance");
                log.add(switch (kind) {
                    case MISSING -> new Difference(kind, key, 100 + i, 0);
                    case EXTRA -> new Difference(kind, key, 0, 90 + i);
                    default -> new Difference(kind, key, 100 + i, 90 + i, Difference.digest(utf8("etcd " + i)),
                            Difference.digest(utf8("sql " + i)));
                }, i * 100L);
            }
            // After a switch: SQL is authoritative, so the report must not suggest --repair.
            ReportContext context = new ReportContext(Instant.parse("2026-12-06T10:15:30Z"), "8e9e05c52164694d",
                    List.of("https://etcd-0:2379"), "postgres://db:5432/app", "etcd_kv", "0.1.0", List.of("--html", "report.html"),
                    new ReportContext.Cutover("switched", 480, 412, true),
                    Map.of("desired_lrps", Map.of("encrypted_no_key", 2L, "undecodable", 1L)));
            HtmlReport.write(new ReconcileReport(500, List.of("/v1/"), Instant.parse("2026-12-06T10:15:28Z"), Duration.ofMillis(1234),
                    3000, 2990, 3, 0, 2, 500, Map.of(0, 500L, 1, 501L), log), List.of(), context, out);
        }

        String dom = chromium(dir, "--dump-dom", html.toUri().toString());
        Path png = dir.resolve("report.png");
        chromium(dir, "--screenshot=" + png, "--window-size=1000,1400", html.toUri().toString());

        assertTrue(dom.contains("id=\"verdict\" class=\"verdict dirty\">DIFFERENCES</div>"), dom);
        assertTrue(dom.contains("<svg id=\"differences-by-key\""), "chart over the key space");
        assertTrue(dom.contains("<svg id=\"differences-by-revision\""), "chart over revisions");
        assertEquals(31, dom.split("<tr><td>", -1).length, "30 differing keys in the table");
        for (String fact : List.of("<th>Started</th><td>2026-12-06T10:15:28Z</td>", "<th>Finished</th><td>2026-12-06T10:15:30Z</td>",
                "<th>etcd cluster</th><td>8e9e05c52164694d at https://etcd-0:2379</td>",
                "<th>Database</th><td>postgres://db:5432/app, table etcd_kv</td>", "<th>Ferry</th><td>0.1.0</td>",
                "<th>Options</th><td>--html report.html</td>", "<th>Cutover</th><td>switched at F=480, downtime 412 ms</td>",
                "<th>Decode failures</th><td>desired_lrps: encrypted_no_key 2, undecodable 1 (kept raw")) {
            assertTrue(dom.contains(fact), "audit fact " + fact + " in:\n" + dom);
        }
        assertTrue(dom.contains("SQL is authoritative since the cutover") && !dom.contains("--repair"), dom);
        assertTrue(dom.contains("<tr><td>missing</td><td><code>'/v1/actual/pg-5/0/instance'</code></td><td class=\"num\">105</td>"
                + "<td class=\"num\"></td>"), "a missing row's SQL revision is blank:\n" + dom);
        assertTrue(dom.contains("<code>" + Difference.digest(utf8("etcd 3")) + " / " + Difference.digest(utf8("sql 3")) + "</code>"),
                "value digests of a mismatch");
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image.getWidth() >= 1000 && image.getHeight() >= 1400, "screenshot size");
        assertTrue(countPixels(image, 0xfbd5d5) > 500, "the red verdict box was painted");
        assertTrue(countPixels(image, 0xc0392b) > 200, "chart bars were painted");
    }

    private static long countPixels(BufferedImage image, int rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    private static String chromium(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile")));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("chromium.out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(dir.resolve("chromium.err").toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), () -> "chromium failed: " + read(dir.resolve("chromium.err")));
        return read(out);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
