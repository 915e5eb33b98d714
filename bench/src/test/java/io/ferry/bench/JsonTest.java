package io.ferry.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNumbersReadablyAndEscapesStrings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", 1810.0);
        m.put("ratio", 0.91290);
        m.put("nan", Double.NaN);
        m.put("text", "a \"b\"\n");
        m.put("list", List.of(1, true));
        assertEquals("{\n  \"rate\": 1810,\n  \"ratio\": 0.9129,\n  \"nan\": null,\n  \"text\": \"a \\\"b\\\"\\n\",\n"
                + "  \"list\": [1, true]\n}", Json.write(m));
    }

    @Test
    void sinkAgeQuantileIsTheBucketHoldingIt() {
        long[] before = new long[21];
        long[] after = new long[21];
        after[5] = 60;             // 60 of 100 at or under 100 ms
        for (int i = 6; i < 20; i++) {
            after[i] = 100;
        }
        after[20] = 100;
        assertEquals(100.0, SinkAgeHistogram.quantileMs(before, after, 0.5), 1e-9);
        assertEquals(150.0, SinkAgeHistogram.quantileMs(before, after, 0.99), 1e-9);
    }
}
