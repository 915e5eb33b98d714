package io.ferry.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps docs/event-format.md true: every JSON example decodes and re-encodes to the same text. */
class EventFormatDocTest {

    private static final Path DOC = Path.of("..", "docs", "event-format.md");

    @Test
    void everyExampleIsExactlyWhatTheCodecWrites() throws Exception {
        List<String> examples = jsonBlocks(Files.readString(DOC));
        assertTrue(examples.size() >= 7, "expected the examples in " + DOC + ", found " + examples.size());
        EventCodec codec = new EventCodec();
        for (String example : examples) {
            Envelope decoded = codec.decode(example.getBytes(StandardCharsets.UTF_8));
            assertEquals(example, new String(codec.encode(decoded), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theBinaryExampleReallyHoldsInvalidUtf8AndNul() throws Exception {
        EventCodec codec = new EventCodec();
        ChangeEvent read = jsonBlocks(Files.readString(DOC)).stream()
                .map(j -> codec.decode(j.getBytes(StandardCharsets.UTF_8)))
                .filter(e -> e instanceof ChangeEvent c && c.op() == Op.READ)
                .map(ChangeEvent.class::cast).findFirst().orElseThrow();
        assertEquals(null, Bytes.strictUtf8OrNull(read.key()));
        assertEquals("a\0b", new String(read.after().value(), StandardCharsets.UTF_8));
    }

    private static List<String> jsonBlocks(String markdown) {
        Matcher m = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL).matcher(markdown);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
