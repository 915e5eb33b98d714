package io.ferry.sink;

import static io.ferry.sink.Records.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.RecordConventions;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {

    private final RecordDecoder decoder = new RecordDecoder(16, 10);

    @Test
    void aPutBecomesARowChangeThatShowsProgress() throws Exception {
        RowChange c = (RowChange) decoder.decode(Records.put(0, 5, "/a", "v1", 42), false);
        assertArrayEquals(bytes("/a"), c.key());
        assertArrayEquals(bytes("v1"), c.value());
        assertEquals(42, c.modRevision());
        assertEquals(42, c.progressRevision());
        assertFalse(c.isDelete());
    }

    @Test
    void aSnapshotReadShowsNoProgress() throws Exception {
        RowChange c = (RowChange) decoder.decode(Records.read(0, 5, "/a", 7, 99), true);
        assertEquals(7, c.modRevision());
        assertEquals(-1, c.progressRevision());
        assertTrue(c.snapshotRefresh());
    }

    @Test
    void aTombstoneAloneIsADeleteAtItsHeaderRevision() throws Exception {
        RowChange c = (RowChange) decoder.decode(Records.tombstone(1, 9, "/gone", 77), false);
        assertTrue(c.isDelete());
        assertNull(c.value());
        assertEquals(77, c.modRevision());
    }

    @Test
    void aTombstoneWithoutRevisionIsBadInput() {
        var r = Records.tombstone(1, 9, "/gone", 77);
        r.headers().remove(RecordConventions.REVISION_HEADER);
        var e = assertThrows(BadRecordException.class, () -> decoder.decode(r, false));
        assertTrue(e.getMessage().contains("ferry.revision"), e.getMessage());
    }

    @Test
    void undecodableKeyTooLongAndValueTooLargeAreBadInputWithTheReason() {
        var garbage = Records.record(0, 1, bytes("/x"), bytes("{nope"), "change", 3);
        assertTrue(assertThrows(BadRecordException.class, () -> decoder.decode(garbage, false)).getMessage()
                .startsWith("undecodable envelope"));
        var longKey = Records.put(0, 2, "/0123456789abcdefg", "v", 3);
        assertTrue(assertThrows(BadRecordException.class, () -> decoder.decode(longKey, false)).getMessage()
                .contains("index limit of 16 bytes"));
        var bigValue = Records.put(0, 3, "/k", "01234567890", 3);
        assertTrue(assertThrows(BadRecordException.class, () -> decoder.decode(bigValue, false)).getMessage()
                .contains("over sink.value.max.bytes (10)"));
    }

    @Test
    void controlRecordsComeBackAsTheyAre() throws Exception {
        Object o = decoder.decode(Records.control(2, 4, ControlRecord.Kind.WATERMARK, 1, 500), false);
        ControlRecord c = assertInstanceOf(ControlRecord.class, o);
        assertEquals(500, c.revision());
    }
}
