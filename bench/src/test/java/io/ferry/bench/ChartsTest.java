package io.ferry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    private static final String LONG = "snapshot: postgres, 1M keys x 256 B: Ferry snapshot rate / server-side INSERT ... SELECT";

    @Test
    void longLabelsWrapAtSpacesAndKeepEveryWord() {
        FontMetrics fm = Charts.metrics();
        int max = fm.stringWidth("snapshot: postgres, 1M keys");
        List<String> lines = Charts.wrap(LONG, fm, max);
        assertTrue(lines.size() > 1, "a label wider than the column wraps: " + lines);
        for (String line : lines) {
            assertTrue(fm.stringWidth(line) <= max || !line.contains(" "), "line too wide: '" + line + "'");
        }
        assertEquals(LONG, String.join(" ", lines), "wrapping neither drops nor reorders words");
    }

    @Test
    void aShortLabelIsOneLine() {
        assertEquals(List.of("watch: x / y"), Charts.wrap("watch: x / y", Charts.metrics(), 420));
    }

    @Test
    void theLabelColumnFitsTheWidestLabelSoNoBarCoversText(@TempDir Path dir) throws Exception {
        Path shortChart = dir.resolve("short.png");
        Path longChart = dir.resolve("long.png");
        Charts.bars("t", "ratio", List.of(new Bar("a: b", 0.5, Color.GREEN)), 1.0, shortChart);
        Charts.bars("t", "ratio", List.of(new Bar("a: b", 0.5, Color.GREEN), new Bar(LONG, 2, Color.RED)), 1.0, longChart);
        BufferedImage small = ImageIO.read(Files.newInputStream(shortChart));
        BufferedImage large = ImageIO.read(Files.newInputStream(longChart));
        FontMetrics fm = Charts.metrics();
        int widestLine = Charts.wrap(LONG, fm, 420).stream().mapToInt(fm::stringWidth).max().orElseThrow();
        assertEquals(widestLine - fm.stringWidth("a: b"), large.getWidth() - small.getWidth(),
                "the plot starts where the widest label line ends");
        assertTrue(large.getHeight() > small.getHeight() + 22, "a wrapped label gets a taller row");
    }
}
