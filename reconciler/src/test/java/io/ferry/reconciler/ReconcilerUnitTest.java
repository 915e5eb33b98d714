package io.ferry.reconciler;

import static io.ferry.reconciler.EtcdFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.reconciler.report.HtmlReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilerUnitTest {

    @Test
    void rowHashIsSha256OfTheLengthPrefixedBigEndianEncoding() throws Exception {
        Row row = new Row(new byte[] {'k'}, new byte[] {0, (byte) 0xFF}, 2, 3, 4, -1);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(HexFormat.of().parseHex(
                "00000001" + "6b" + "00000002" + "00ff" + "0000000000000002" + "0000000000000003" + "0000000000000004"
                        + "ffffffffffffffff"));
        assertArrayEquals(expected, new RowHasher().add(row).finish());
    }

    @Test
    void lengthPrefixesKeepDifferentRowSetsApart() {
        byte[] a = new RowHasher().add(new Row(utf8("ab"), utf8("c"), 1, 1, 1, 0)).finish();
        byte[] b = new RowHasher().add(new Row(utf8("a"), utf8("bc"), 1, 1, 1, 0)).finish();
        assertFalse(java.util.Arrays.equals(a, b));
    }

    @Test
    void nestedPrefixesAreComparedOnce() {
        assertEquals(List.of("/v1/", "/v2/"), Reconciler.distinctRoots(List.of("/v1/task/", "/v2/", "/v1/")));
    }

    @Test
    void differenceLogStreamsBackEveryDifferenceByteExact() {
        try (DifferenceLog log = new DifferenceLog()) {
            List<Difference> written = new ArrayList<>();
            for (int i = 0; i < DifferenceLog.SAMPLE_SIZE + 50; i++) {
                Difference d = new Difference(DifferenceKind.values()[i % 5], new byte[] {'/', (byte) 0xFF, 0, (byte) i}, i, i + 1);
                written.add(d);
                log.add(d, i);
            }
            List<Difference> read = new ArrayList<>();
            log.forEach(l -> read.add(l.difference()));
            assertEquals(written, read);
            assertEquals(DifferenceLog.SAMPLE_SIZE, log.sample().size());
            assertEquals(210L, log.counts().get(DifferenceKind.MISSING));
        }
    }

    @Test
    void htmlReportEscapesKeysAndShowsTheVerdict() {
        try (DifferenceLog log = new DifferenceLog()) {
            log.add(new Difference(DifferenceKind.EXTRA, utf8("/x/<script>alert(1)</script>"), 0, 5), 0);
            ReconcileReport r = new ReconcileReport(10, List.of("/x/"), Instant.now(), Duration.ofMillis(5), 1, 2, 1, 0, 0,
                    10, Map.of(0, 10L), log);
            StringWriter out = new StringWriter();
            HtmlReport.write(r, List.of(), AbstractReconcilerIT.CONTEXT, new PrintWriter(out));
            String html = out.toString();
            assertTrue(html.contains("&lt;script&gt;"), html);
            assertFalse(html.contains("<script>"), html);
            assertTrue(html.contains("id=\"verdict\" class=\"verdict dirty\">DIFFERENCES"), html);
            assertTrue(html.contains("<svg id=\"differences-by-key\""), html);
        }
    }
}
