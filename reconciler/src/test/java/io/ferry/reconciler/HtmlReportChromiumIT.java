package io.ferry.reconciler;

import static io.ferry.reconciler.EtcdFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.reconciler.report.HtmlReport;
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
                log.add(new Difference(DifferenceKind.values()[i % 5], utf8("/v1/actual/pg-" + i + "/0/instance"), 100 + i, 90 + i), i * 100L);
            }
            HtmlReport.write(new ReconcileReport(500, List.of("/v1/"), Instant.now(), Duration.ofMillis(1234), 3000, 2990, 3, 0,
                    2, 500, Map.of(0, 500L, 1, 501L), log), List.of(), out);
        }

        String dom = chromium(dir, "--dump-dom", html.toUri().toString());
        Path png = dir.resolve("report.png");
        chromium(dir, "--screenshot=" + png, "--window-size=1000,1400", html.toUri().toString());

        assertTrue(dom.contains("id=\"verdict\" class=\"verdict dirty\">DIFFERENCES</div>"), dom);
        assertTrue(dom.contains("<svg id=\"differences-by-key\""), "chart over the key space");
        assertTrue(dom.contains("<svg id=\"differences-by-revision\""), "chart over revisions");
        assertEquals(31, dom.split("<tr><td>", -1).length, "30 differing keys in the table");
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
