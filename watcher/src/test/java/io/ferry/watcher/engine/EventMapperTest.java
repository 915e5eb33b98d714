package io.ferry.watcher.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.watch.WatchEvent;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.Op;
import org.junit.jupiter.api.Test;

class EventMapperTest {

    private static final byte[] KEY = {'/', 'k', (byte) 0xff, 0};
    private final EventMapper mapper = new EventMapper("c1");

    private static KeyValue kv(byte[] value, long create, long mod, long version) {
        return new KeyValue(io.etcd.jetcd.api.KeyValue.newBuilder().setKey(ByteString.copyFrom(KEY))
                .setValue(ByteString.copyFrom(value)).setCreateRevision(create).setModRevision(mod)
                .setVersion(version).setLease(7).build(), ByteSequence.EMPTY);
    }

    private static KeyValue absent() {
        return new KeyValue(io.etcd.jetcd.api.KeyValue.getDefaultInstance(), ByteSequence.EMPTY);
    }

    @Test
    void aFirstPutIsACreateWithoutBefore() {
        ChangeEvent e = mapper.watched(new WatchEvent(kv(new byte[] {0, 1}, 5, 5, 1), absent(),
                WatchEvent.EventType.PUT), 3, 99, false);
        assertEquals(Op.CREATE, e.op());
        assertFalse(e.source().reverse());
        assertArrayEquals(KEY, e.key());
        assertArrayEquals(new byte[] {0, 1}, e.after().value());
        assertNull(e.before());
        assertEquals(5, e.source().revision());
        assertEquals(3, e.source().epoch());
        assertEquals(7, e.after().lease());
    }

    @Test
    void anUpdateCarriesThePreviousValueAndADeleteItsOwnRevision() {
        ChangeEvent u = mapper.watched(new WatchEvent(kv(new byte[] {2}, 5, 9, 2), kv(new byte[] {1}, 5, 5, 1),
                WatchEvent.EventType.PUT), 1, 0, true);
        assertEquals(Op.UPDATE, u.op());
        assertTrue(u.source().reverse(), "the rollback path's own change is marked");
        assertArrayEquals(new byte[] {1}, u.before().value());
        ChangeEvent d = mapper.watched(new WatchEvent(kv(new byte[0], 0, 12, 0), absent(),
                WatchEvent.EventType.DELETE), 1, 0, false);
        assertEquals(Op.DELETE, d.op());
        assertEquals(12, d.revision());
        assertArrayEquals(KEY, d.key());
    }

    @Test
    void aSnapshotReadCarriesTheSnapshotRevisionAndTheKeysOwn() {
        ChangeEvent r = mapper.snapshotRead(kv(new byte[] {4}, 2, 6, 3), 40, 2, 0);
        assertEquals(Op.READ, r.op());
        assertEquals(40, r.source().revision());
        assertEquals(6, r.after().modRevision());
        assertEquals(true, r.source().snapshot());
    }
}
