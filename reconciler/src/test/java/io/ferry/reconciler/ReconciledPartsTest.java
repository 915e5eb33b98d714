package io.ferry.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which parts of a mapping's prefix the mapped check reads: only what the watcher copies. */
class ReconciledPartsTest {

    @Test
    void aMappingUnderARootIsReadWholeOneWiderReadsOnlyTheRootsOneOutsideNothing() {
        assertEquals(List.of("/v1/lrps/"), parts("/v1/lrps/", List.of("/v1/", "/v2/")));
        assertEquals(List.of("/v1/a/", "/v1/b/"), parts("/v1/", List.of("/v1/a/", "/v1/b/", "/v2/")));
        assertEquals(List.of(), parts("/v3/", List.of("/v1/", "/v2/")));
    }

    private static List<String> parts(String mapping, List<String> roots) {
        return Reconciler.reconciledParts(mapping.getBytes(StandardCharsets.UTF_8), roots).stream()
                .map(r -> new String(r[0], StandardCharsets.UTF_8)).toList();
    }
}
