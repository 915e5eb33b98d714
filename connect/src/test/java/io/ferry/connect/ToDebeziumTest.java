package io.ferry.connect;

import static io.ferry.connect.FerryRecords.CLUSTER;
import static io.ferry.connect.FerryRecords.TS;
import static io.ferry.connect.FerryRecords.change;
import static io.ferry.connect.FerryRecords.kv;
import static io.ferry.connect.FerryRecords.source;
import static io.ferry.connect.FerryRecords.tombstone;
import static io.ferry.connect.FerryRecords.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ControlRecord;
import io.ferry.core.event.KeyValue;
import io.ferry.core.event.Op;
import io.ferry.core.event.RecordConventions;
import io.ferry.core.event.Source;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** The mapping from Ferry's records to Debezium change events, record by record. */
class ToDebeziumTest {

    private static final byte[] KEY = utf8("/v1/actual/pg-7/0/instance");

    private static ToDebezium<SinkRecord> transform(Map<String, String> props) {
        ToDebezium<SinkRecord> t = new ToDebezium<>();
        t.configure(props);
        return t;
    }

    private static SinkRecord apply(SinkRecord in) {
        return transform(Map.of()).apply(in);
    }

    private static Struct value(SinkRecord out) {
        Struct v = (Struct) out.value();
        v.validate();
        return v;
    }

    @Test
    void aCreateBecomesOpCWithTheRowAfterAndDebeziumsSourceFields() {
        ChangeEvent create = ChangeEvent.put(kv(KEY, utf8("{\"state\":\"RUNNING\"}"), 1041, 1041, 1), null, source(1041, 1, false), TS);
        SinkRecord out = apply(change(create, 17));

        assertEquals("ferry.etcd_kv.Key", out.keySchema().name());
        assertArrayEquals(KEY, ((Struct) out.key()).getBytes("key"));
        assertEquals("ferry.etcd_kv.Envelope", out.valueSchema().name());
        Struct v = value(out);
        assertEquals("c", v.getString("op"));
        assertNull(v.get("before"));
        Struct after = v.getStruct("after");
        assertEquals("ferry.etcd_kv.Value", after.schema().name());
        assertArrayEquals(KEY, after.getBytes("key"));
        assertArrayEquals(utf8("{\"state\":\"RUNNING\"}"), after.getBytes("value"));
        assertEquals(1041L, after.getInt64("create_revision"));
        assertEquals(1041L, after.getInt64("mod_revision"));
        assertEquals(1L, after.getInt64("version"));
        assertEquals(0L, after.getInt64("lease"));
        assertEquals(TS, v.getInt64("ts_ms"));
        assertEquals(TS * 1000, v.getInt64("ts_us"));
        assertNull(v.get("transaction"));

        Struct s = v.getStruct("source");
        assertEquals(ToDebezium.VERSION, s.getString("version"));
        assertEquals("ferry", s.getString("connector"));
        assertEquals("ferry", s.getString("name"));
        assertEquals(TS, s.getInt64("ts_ms"));
        assertEquals("false", s.getString("snapshot"));
        assertEquals(CLUSTER, s.getString("db"));
        assertEquals("etcd_kv", s.getString("table"));
        assertEquals(CLUSTER, s.getString("cluster_id"));
        assertEquals(1041L, s.getInt64("revision"));
        assertEquals(1L, s.getInt64("epoch"));
        assertFalse(s.getBoolean("reverse"));

        assertEquals(FerryRecords.TOPIC, out.topic());
        assertEquals(0, out.kafkaPartition());
        assertEquals(17, out.kafkaOffset());
        assertEquals(TS + 5, out.timestamp());
        assertEquals(RecordConventions.KIND_CHANGE, out.headers().lastWithName(RecordConventions.KIND_HEADER).value());
    }

    @Test
    void anUpdateCarriesBeforeWhenTheWatcherRunsWithPrevKv() {
        KeyValue before = kv(KEY, new byte[] {1, 2, (byte) 0xff, 0}, 900, 1000, 3);
        KeyValue after = kv(KEY, new byte[] {1, 2, (byte) 0xff, 1}, 900, 1042, 4);
        Struct v = value(apply(change(ChangeEvent.put(after, before, source(1042, 1, false), TS), 0)));
        assertEquals("u", v.getString("op"));
        assertArrayEquals(new byte[] {1, 2, (byte) 0xff, 0}, v.getStruct("before").getBytes("value"));
        assertEquals(1000L, v.getStruct("before").getInt64("mod_revision"));
        assertArrayEquals(new byte[] {1, 2, (byte) 0xff, 1}, v.getStruct("after").getBytes("value"));
        assertEquals(4L, v.getStruct("after").getInt64("version"));

        Struct withoutPrevKv = value(apply(change(ChangeEvent.put(after, null, source(1042, 1, false), TS), 0)));
        assertNull(withoutPrevKv.get("before"));
    }

    @Test
    void eachDeleteGivesExactlyOneDeleteEventAndOneTombstone() {
        ChangeEvent delete = ChangeEvent.delete(utf8("/v1/task/t-19"), null, source(1043, 1, false), TS);
        ToDebezium<SinkRecord> t = transform(Map.of());
        List<SinkRecord> out = new ArrayList<>();
        for (SinkRecord in : List.of(change(delete, 40), tombstone(delete, 41))) {
            SinkRecord r = t.apply(in);
            if (r != null) {
                out.add(r);
            }
        }
        assertEquals(2, out.size());

        Struct event = value(out.get(0));
        assertEquals("d", event.getString("op"));
        assertNull(event.get("after"));
        Struct keyOnly = event.getStruct("before");
        assertArrayEquals(utf8("/v1/task/t-19"), keyOnly.getBytes("key"), "Debezium's JDBC sink takes a delete's row from before");
        assertNull(keyOnly.get("value"));
        assertNull(keyOnly.get("mod_revision"));
        assertEquals(1043L, event.getStruct("source").getInt64("revision"), "the delete's revision");
        assertEquals("false", event.getStruct("source").getString("snapshot"));
        assertArrayEquals(utf8("/v1/task/t-19"), ((Struct) out.get(0).key()).getBytes("key"));

        SinkRecord tomb = out.get(1);
        assertNull(tomb.value());
        assertNull(tomb.valueSchema(), "Debezium's sinks take a record as a tombstone only when its value schema is null too");
        assertEquals("ferry.etcd_kv.Key", tomb.keySchema().name());
        assertArrayEquals(utf8("/v1/task/t-19"), ((Struct) tomb.key()).getBytes("key"));
        assertEquals(41, tomb.kafkaOffset());
    }

    @Test
    void aDeleteWithPrevKvCarriesTheDeletedRowInBefore() {
        KeyValue gone = kv(utf8("/k"), utf8("last"), 5, 9, 2);
        Struct v = value(apply(change(ChangeEvent.delete(utf8("/k"), gone, source(12, 1, false), TS), 0)));
        assertEquals("d", v.getString("op"));
        assertArrayEquals(utf8("last"), v.getStruct("before").getBytes("value"));
        assertNull(v.get("after"));
    }

    @Test
    void snapshotReadsSayTrueTheLastOneLastRepairReadsIncrementalAndEverythingElseFalse() {
        KeyValue row = kv(utf8("/k"), utf8("v"), 12, 700, 9);
        ChangeEvent read = ChangeEvent.read(row, source(1040, 2, true), TS);
        Struct snapshot = value(apply(change(read, 0)));
        assertEquals("r", snapshot.getString("op"));
        assertEquals("true", snapshot.getStruct("source").getString("snapshot"));
        assertEquals(1040L, snapshot.getStruct("source").getInt64("revision"), "the snapshot revision");
        assertEquals(700L, snapshot.getStruct("after").getInt64("mod_revision"), "the key's own revision");
        assertEquals(2L, snapshot.getStruct("source").getInt64("epoch"));

        SinkRecord lastRead = change(read, 1);
        lastRead.headers().addString(RecordConventions.SNAPSHOT_LAST_HEADER, "true");
        assertEquals("last", value(apply(lastRead)).getStruct("source").getString("snapshot"),
                "the watcher marks the snapshot's last read");

        SinkRecord repairRead = change(read, 1);
        repairRead.headers().addString(RecordConventions.REPAIR_HEADER, "true");
        assertEquals("incremental", value(apply(repairRead)).getStruct("source").getString("snapshot"));

        // The reconciler's repair of a key etcd no longer has: a delete its envelope marks snapshot=true.
        ChangeEvent repairDelete = ChangeEvent.delete(utf8("/k"), null, source(1050, 2, true), TS);
        SinkRecord repairDeleteRecord = change(repairDelete, 2);
        repairDeleteRecord.headers().addString(RecordConventions.REPAIR_HEADER, "true");
        Struct d = value(apply(repairDeleteRecord));
        assertEquals("d", d.getString("op"));
        assertEquals("false", d.getStruct("source").getString("snapshot"), "Debezium marks only reads as snapshot rows");
    }

    @Test
    void keysAndValuesStayBytesWhateverTheyHold() {
        byte[] key = {'/', 'b', 'i', 'n', '/', (byte) 0xff, 0};
        byte[] value = {'a', 0, 'b', (byte) 0xc0, (byte) 0x80};
        ChangeEvent read = ChangeEvent.read(new KeyValue(key, value, 12, 700, 9, 7587862070523445002L), source(1040, 2, true), TS);
        SinkRecord out = apply(change(read, 0));
        assertArrayEquals(key, ((Struct) out.key()).getBytes("key"));
        Struct after = value(out).getStruct("after");
        assertArrayEquals(key, after.getBytes("key"));
        assertArrayEquals(value, after.getBytes("value"));
        assertEquals(7587862070523445002L, after.getInt64("lease"));

        ChangeEvent empty = ChangeEvent.put(kv(utf8("/empty"), new byte[0], 3, 3, 1), null, source(3, 1, false), TS);
        assertArrayEquals(new byte[0], value(apply(change(empty, 1))).getStruct("after").getBytes("value"));
    }

    @Test
    void controlRecordsAreDropped() {
        ToDebezium<SinkRecord> t = transform(Map.of());
        for (ControlRecord.Kind kind : ControlRecord.Kind.values()) {
            assertNull(t.apply(FerryRecords.control(kind, 2, 99)), kind + " must not reach the sink");
        }
    }

    @Test
    void theRollbackPathsChangesPassMarkedReverse() {
        ChangeEvent reverseDelete = ChangeEvent.delete(utf8("/k"), null, new Source(CLUSTER, 2000, 1, false, true), TS);
        ToDebezium<SinkRecord> t = transform(Map.of());
        Struct v = value(t.apply(change(reverseDelete, 0)));
        assertTrue(v.getStruct("source").getBoolean("reverse"));
        SinkRecord tomb = t.apply(tombstone(reverseDelete, 1));
        assertNull(tomb.value());
        assertEquals("true", tomb.headers().lastWithName(RecordConventions.REVERSE_HEADER).value());
    }

    @Test
    void theEpochFieldIsThereOnlyWhenConfiguredAndOnlyFilledInAfter() {
        ChangeEvent update = ChangeEvent.put(kv(KEY, utf8("b"), 1, 8, 2), kv(KEY, utf8("a"), 1, 4, 1), source(8, 3, false), TS);
        assertNull(value(apply(change(update, 0))).getStruct("after").schema().field("epoch"));

        Struct v = value(transform(Map.of(ToDebeziumConfig.ROW_EPOCH_FIELD, "epoch")).apply(change(update, 0)));
        assertEquals(3L, v.getStruct("after").getInt64("epoch"));
        assertNull(v.getStruct("before").get("epoch"), "the epoch that wrote the previous value is not known");
        assertTrue(v.getStruct("after").schema().field("epoch").schema().isOptional());
    }

    @Test
    void namesComeFromTheConfiguration() {
        ToDebezium<SinkRecord> t = transform(Map.of(ToDebeziumConfig.LOGICAL_NAME, "prod.eu", ToDebeziumConfig.TABLE_NAME, "diego_bbs"));
        ChangeEvent create = ChangeEvent.put(kv(KEY, utf8("v"), 5, 5, 1), null, source(5, 1, false), TS);
        SinkRecord out = t.apply(change(create, 0));
        assertEquals("prod.eu.diego_bbs.Key", out.keySchema().name());
        assertEquals("prod.eu.diego_bbs.Envelope", out.valueSchema().name());
        assertEquals("prod.eu.diego_bbs.Value", value(out).getStruct("after").schema().name());
        assertEquals("prod.eu", value(out).getStruct("source").getString("name"));
        assertEquals("diego_bbs", value(out).getStruct("source").getString("table"));
    }

    @Test
    void everyConfigurationProblemIsReportedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> transform(Map.of(
                ToDebeziumConfig.LOGICAL_NAME, "ferry..x", ToDebeziumConfig.TABLE_NAME, "etcd-kv",
                ToDebeziumConfig.ROW_EPOCH_FIELD, "lease", "row.epoch.feild", "epoch", "type", ToDebezium.class.getName())));
        assertTrue(e.getMessage().contains("logical.name='ferry..x'"), e.getMessage());
        assertTrue(e.getMessage().contains("table.name='etcd-kv'"), e.getMessage());
        assertTrue(e.getMessage().contains("row.epoch.field='lease'"), e.getMessage());
        assertTrue(e.getMessage().contains("row.epoch.feild: unknown setting"), e.getMessage());
        assertFalse(e.getMessage().contains("type"), "Connect's own keys are not the transform's problem: " + e.getMessage());
    }

    @Test
    void anotherConverterThanByteArrayIsRefusedWithTheFix() {
        SinkRecord text = new SinkRecord(FerryRecords.TOPIC, 3, Schema.STRING_SCHEMA, "/k", Schema.STRING_SCHEMA, "{}", 8);
        DataException e = assertThrows(DataException.class, () -> apply(text));
        assertTrue(e.getMessage().contains("ByteArrayConverter"), e.getMessage());
        assertTrue(e.getMessage().contains("partition 3 offset 8"), e.getMessage());
    }

    @Test
    void byteBuffersAreTakenAsBytes() {
        ChangeEvent create = ChangeEvent.put(kv(KEY, utf8("v"), 5, 5, 1), null, source(5, 1, false), TS);
        SinkRecord bytes = change(create, 0);
        SinkRecord buffers = bytes.newRecord(bytes.topic(), 0, bytes.keySchema(), ByteBuffer.wrap(KEY), bytes.valueSchema(),
                ByteBuffer.wrap((byte[]) bytes.value()), bytes.timestamp());
        assertEquals(apply(bytes).value(), apply(buffers).value());
    }

    @Test
    void aRecordThatIsNoFerryEnvelopeFailsNamingWhereItIs() {
        SinkRecord junk = FerryRecords.record(utf8("/k"), utf8("not json"), 12, new ConnectHeaders());
        DataException e = assertThrows(DataException.class, () -> apply(junk));
        assertTrue(e.getMessage().contains("topic ferry.changes partition 0 offset 12"), e.getMessage());
    }

    @Test
    void theSameRecordMapsToTheSameEventEveryTime() {
        ChangeEvent update = ChangeEvent.put(kv(KEY, utf8("b"), 1, 8, 2), null, source(8, 1, false), TS);
        assertEquals(apply(change(update, 0)).value(), apply(change(update, 0)).value());
        assertEquals(Op.UPDATE.code(), value(apply(change(update, 0))).getString("op"));
    }

    @Test
    void itReportsFerrysVersionAndDeclaresItsSettings() {
        ToDebezium<SinkRecord> t = transform(Map.of());
        assertFalse(t.version().isBlank());
        assertFalse(t.version().contains("${"), "version.properties is filtered by Maven: " + t.version());
        assertEquals(ToDebeziumConfig.DEF.names(), t.config().names());
        assertSame(ToDebeziumConfig.DEF, t.config());
    }
}
