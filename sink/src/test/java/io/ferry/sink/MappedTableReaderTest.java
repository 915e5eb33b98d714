package io.ferry.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.JdbcTarget;
import io.ferry.core.mapped.MappedTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MappedTableReaderTest {

    @Test
    void jsonComparesAsADocumentNotAsText() {
        // PostgreSQL's jsonb gives keys in its own order and its own spacing; numbers keep their value.
        assertEquals(MappedTableReader.canonicalJson("{\"b\": [1, 2.50, \"x\"], \"a\": {\"d\": null, \"c\": true}}"),
                MappedTableReader.canonicalJson("{\"a\":{\"c\":true,\"d\":null},\"b\":[1,2.5,\"x\"]}"));
        assertNotEquals(MappedTableReader.canonicalJson("{\"a\": 1}"), MappedTableReader.canonicalJson("{\"a\": \"1\"}"));
        assertNotEquals(MappedTableReader.canonicalJson("[1, 2]"), MappedTableReader.canonicalJson("[2, 1]"));
        assertNull(MappedTableReader.canonicalJson(null));
    }

    @Test
    void aProjectionIsTheRowTheSinkWritesWithItsRevisionFirst() {
        MappedTable t = table();
        MappedTable.Projection p = t.project(bytes("/lrps/g1"), bytes("{\"n\": 3, \"at\": \"2026-12-06T10:15:00.1234567Z\"}"), 0, 42);
        assertTrue(p.hasRow());
        assertEquals(List.of("42", "g1", "3", "2026-12-06T10:15:00.123456Z"), p.cells(), "a timestamp to the microsecond");

        MappedTable.Projection nulls = t.project(bytes("/lrps/g2"), bytes("{}"), 0, 43);
        assertEquals(java.util.Arrays.asList("43", "g2", null, null), nulls.cells(), "a pointer that finds nothing is NULL");

        MappedTable.Projection undecodable = t.project(bytes("/lrps/g3"), bytes("not json"), 0, 44);
        assertFalse(undecodable.hasRow());
        assertEquals("undecodable", undecodable.undecodable());

        MappedTable.Projection badRecord = t.project(bytes("/lrps/g4"), bytes("{\"n\": \"x\"}"), 0, 45);
        assertFalse(badRecord.hasRow());
        assertNull(badRecord.undecodable(), "a value that does not convert gets no row, and it did decode");
    }

    private static MappedTable table() {
        Map<String, Object> columns = new java.util.LinkedHashMap<>(); // in the order of the cells
        columns.put("guid", Map.of("from", "key:2", "type", "text"));
        columns.put("n", Map.of("from", "/n", "type", "bigint"));
        columns.put("at", Map.of("from", "/at", "type", "timestamp"));
        FerryConfig c = FerryConfig.fromMap(Map.of("sink.mappings", List.of(Map.of("prefix", "/lrps/", "table", "lrps",
                "columns", columns))));
        List<MappedTable> tables = MappedTableReader.of(c.sink(), JdbcTarget.Kind.SQLITE, null);
        assertEquals(1, tables.size());
        assertEquals("lrps", tables.get(0).table());
        return tables.get(0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
