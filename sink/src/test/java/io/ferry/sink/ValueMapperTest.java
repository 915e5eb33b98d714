package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueMapperTest {

    private final List<TableMapping> mappings = MappingParser.parse(List.of(Map.of("prefix", "/v1/actual/",
            "table", "actual_lrps", "json", true, "columns", Map.of(
                    "process_guid", Map.of("from", "key:3"),
                    "instance_index", Map.of("from", "key:4", "type", "bigint"),
                    "state", Map.of("from", "/state"),
                    "ports", Map.of("from", "/net/ports", "type", "text"),
                    "healthy", Map.of("from", "/healthy", "type", "boolean")))));
    private final ValueMapper mapper = new ValueMapper(mappings);

    private Object column(MappedRow row, String name) {
        for (int i = 0; i < row.mapping().columns().size(); i++) {
            if (row.mapping().columns().get(i).name().equals(name)) {
                return row.values()[i];
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void keySegmentsAndJsonPointersBecomeTypedValues() throws Exception {
        MappedRow row = mapper.map("/v1/actual/pg-1/2/instance".getBytes(),
                "{\"state\":\"RUNNING\",\"net\":{\"ports\":[8080]},\"healthy\":true}".getBytes(), 0);
        assertEquals("pg-1", column(row, "process_guid"));
        assertEquals(2L, column(row, "instance_index"));
        assertEquals("RUNNING", column(row, "state"));
        assertEquals("[8080]", column(row, "ports"));
        assertEquals(true, column(row, "healthy"));
        assertTrue(row.doc().contains("\"RUNNING\""));
    }

    @Test
    void absentFieldsAreNullAndUnmappedKeysHaveNoRow() throws Exception {
        MappedRow row = mapper.map("/v1/actual/pg-1/0/instance".getBytes(), "{}".getBytes(), 0);
        assertNull(column(row, "state"));
        assertNull(mapper.map("/v1/task/t-1".getBytes(), "not json".getBytes(), 0));
    }

    @Test
    void aValueThatDoesNotDecodeIsAFailureRowAndOneThatDoesNotFitAColumnIsBadInput() throws Exception {
        // Nothing dropped: no mapped row, but the failure for ferry_decode_failures; the raw bytes go to the generic table.
        MappedRow notJson = mapper.map("/v1/actual/pg-1/0/instance".getBytes(), new byte[] {8, 1, (byte) 0xFF}, 0);
        assertFalse(notJson.decoded());
        assertEquals("actual_lrps", notJson.mapping().table());
        assertEquals("undecodable", notJson.failureTag());
        assertTrue(notJson.failureReason().startsWith("json: not JSON"), notJson.failureReason());
        var wrongType = assertThrows(BadRecordException.class,
                () -> mapper.map("/v1/actual/pg-1/zero/instance".getBytes(), "{}".getBytes(), 0));
        assertTrue(wrongType.getMessage().contains("column instance_index (bigint) from key:4 found 'zero'"),
                wrongType.getMessage());
    }

    @Test
    void badMappingsAreAllReportedAtOnce() {
        SinkException e = assertThrows(SinkException.class, () -> MappingParser.parse(List.of(
                Map.of("prefix", "/a/", "table", "bad table"),
                Map.of("table", "t", "columns", Map.of("key", Map.of("from", "key:1"), "x", Map.of("from", "nope"))))));
        assertTrue(e.getMessage().contains("sink.mappings[0].table"), e.getMessage());
        assertTrue(e.getMessage().contains("sink.mappings[1].prefix is required"), e.getMessage());
        assertTrue(e.getMessage().contains("columns.key"), e.getMessage());
        assertTrue(e.getMessage().contains("is neither key:N, lease nor a JSON pointer"), e.getMessage());
        assertArrayEquals("/v1/actual/".getBytes(), mappings.get(0).prefix());
    }
}
