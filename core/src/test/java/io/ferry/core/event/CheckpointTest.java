package io.ferry.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CheckpointTest {

    @Test
    void roundTripsEveryField() {
        Checkpoint c = new Checkpoint("cdf818194e3a8c32", 1043, 2, true, 1763683200123L);
        assertEquals(c, Checkpoint.decode(c.encode()));
    }

    @Test
    void ignoresUnknownFieldsAndRejectsMissingRevision() {
        byte[] withExtra = "{\"cluster_id\":\"a\",\"revision\":5,\"epoch\":1,\"future\":{\"x\":1},\"ts_ms\":9}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(new Checkpoint("a", 5, 1, false, 9), Checkpoint.decode(withExtra));
        assertThrows(EventFormatException.class,
                () -> Checkpoint.decode("{\"epoch\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(EventFormatException.class, () -> Checkpoint.decode("not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void namesItsTopicAndKeyAfterTheChangeTopic() {
        assertEquals("ferry.etcd.changes.checkpoint", Checkpoint.topicFor("ferry.etcd.changes"));
        assertEquals("ferry.watcher/t", new String(Checkpoint.recordKey("t"), StandardCharsets.UTF_8));
    }
}
