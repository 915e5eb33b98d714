package io.ferry.sink;

import static io.ferry.sink.Records.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.clients.RecordSigner;
import io.ferry.core.config.SigningConfig;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.RecordConventions;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    void aRowOverWhatOneStatementCarriesIsBadInputThatNamesThePacketToSet() throws Exception {
        // max_allowed_packet 16,424: rows of (16,424 - 16,384) / 2 = 20 bytes of key and value.
        RecordDecoder bounded = new RecordDecoder(100, 100, List.of(), null, StatementLimit.ofMaxAllowedPacket(16_424));
        assertInstanceOf(RowChange.class, bounded.decode(Records.put(0, 1, "/k", "0123456789abcdef12", 3), false));
        var e = assertThrows(BadRecordException.class, () -> bounded.decode(Records.put(0, 2, "/k", "0123456789abcdef123", 4), false));
        assertEquals("row of 21 bytes (key, value and mapped columns) is over what one statement carries to the database "
                + "(max_allowed_packet 16424 bytes admits rows of 20): raise max_allowed_packet to at least 16426 (SET GLOBAL "
                + "and the server's configuration) and restart the sink", e.getMessage());
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

    private static RecordSigner signer(boolean acceptUnsigned) {
        return RecordSigner.of(new SigningConfig(List.of(bytes("a-shared-signing-key-of-32-bytes!!")), acceptUnsigned))
                .orElseThrow();
    }

    private static ConsumerRecord<byte[], byte[]> signed(RecordSigner s, ConsumerRecord<byte[], byte[]> r) {
        s.sign(r.topic(), r.partition(), r.key(), r.value(), r.headers());
        return r;
    }

    @Test
    void withSigningOnOnlySignedRecordsPassAndEveryOtherIsBadInputNamingWhy() throws Exception {
        RecordSigner s = signer(false);
        RecordDecoder checking = new RecordDecoder(16, 10, List.of(), s, StatementLimit.NONE);
        assertInstanceOf(RowChange.class, checking.decode(signed(s, Records.put(0, 5, "/a", "v1", 42)), false));
        assertInstanceOf(ControlRecord.class, checking.decode(signed(s,
                Records.control(1, 4, ControlRecord.Kind.SNAPSHOT_END, 1, 500)), false));

        var unsigned = assertThrows(BadRecordException.class, () -> checking.decode(
                Records.control(1, 5, ControlRecord.Kind.SNAPSHOT_BEGIN, 9, 500), false));
        assertEquals("unsigned", unsigned.signatureProblem());
        assertTrue(unsigned.getMessage().contains("not signed"), unsigned.getMessage());

        var pinned = signed(s, Records.put(0, 6, "/a", "v1", 42));
        pinned.headers().remove(RecordConventions.REVISION_HEADER);
        pinned.headers().add(RecordConventions.REVISION_HEADER, RecordConventions.header(999999));
        assertEquals("invalid", assertThrows(BadRecordException.class, () -> checking.decode(pinned, false)).signatureProblem());

        var moved = signed(s, Records.put(0, 7, "/a", "v1", 42));
        var elsewhere = new ConsumerRecord<>(Records.TOPIC, 2, 7, moved.key(), moved.value());
        moved.headers().forEach(h -> elsewhere.headers().add(h));
        assertEquals("invalid", assertThrows(BadRecordException.class, () -> checking.decode(elsewhere, false))
                .signatureProblem(), "a genuine record copied to another partition");

        RecordSigner other = RecordSigner.of(new SigningConfig(List.of(bytes("somebody-else's-key-of-32-bytes!!!")), false))
                .orElseThrow();
        var foreign = assertThrows(BadRecordException.class, () -> checking.decode(signed(other, Records.put(0, 8, "/a", "v", 3)),
                false));
        assertEquals("unknown_key", foreign.signatureProblem());
        assertTrue(foreign.getMessage().contains(other.keyId()), foreign.getMessage());
    }

    @Test
    void acceptingUnsignedStillRefusesAWrongSignature() throws Exception {
        RecordSigner s = signer(true);
        RecordDecoder lenient = new RecordDecoder(16, 10, List.of(), s, StatementLimit.NONE);
        assertInstanceOf(RowChange.class, lenient.decode(Records.put(0, 5, "/a", "v1", 42), false));
        var altered = signed(s, Records.put(0, 6, "/a", "v1", 42));
        altered.headers().add(RecordConventions.REPAIR_HEADER, RecordConventions.header("true"));
        assertEquals("invalid", assertThrows(BadRecordException.class, () -> lenient.decode(altered, false)).signatureProblem());
    }

    @Test
    void aRepairMayRemoveWhatEtcdNeverHadBetweenItsRevisionAndItsReadAndTheRevisionItReplaces() throws Exception {
        var read = Records.read(0, 5, "/a", 40, 50);
        read.headers().add(RecordConventions.REPAIR_HEADER, RecordConventions.header("true"));
        read.headers().add(RecordConventions.REPLACES_HEADER, RecordConventions.header(999999));
        RowChange c = (RowChange) decoder.decode(read, false);
        assertTrue(c.repair());
        assertEquals(new Unpin(40, 50, 999999), c.unpin());

        var tombstone = Records.tombstone(0, 6, "/gone", 50);
        tombstone.headers().add(RecordConventions.REPAIR_HEADER, RecordConventions.header("true"));
        tombstone.headers().add(RecordConventions.REPLACES_HEADER, RecordConventions.header(999999));
        assertEquals(new Unpin(49, 50, 999999), ((RowChange) decoder.decode(tombstone, false)).unpin());

        assertNull(((RowChange) decoder.decode(Records.put(0, 7, "/a", "v", 3), false)).unpin(), "only repairs unpin");
    }
}
