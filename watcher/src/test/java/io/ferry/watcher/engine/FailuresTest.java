package io.ferry.watcher.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void findsCompactionAnywhereInTheCauseChain() {
        Throwable etcd = new RuntimeException("etcdserver: mvcc: required revision has been compacted");
        assertTrue(Failures.isCompaction(new ExecutionException(etcd)));
        assertFalse(Failures.isCompaction(new RuntimeException("connection refused")));
    }

    @Test
    void aFutureRevisionIsToldApartFromACompactedOne() {
        Throwable future = new ExecutionException(new RuntimeException("etcdserver: mvcc: required revision is a future revision"));
        assertTrue(Failures.isFutureRevision(future));
        assertFalse(Failures.isCompaction(future));
        assertFalse(Failures.isFutureRevision(new RuntimeException("etcdserver: mvcc: required revision has been compacted")));
    }

    @Test
    void fencingAndBadCredentialsAreRecognisedThroughWrappers() {
        assertTrue(Failures.isFenced(new KafkaException("commit failed", new ProducerFencedException("newer epoch"))));
        assertFalse(Failures.isFenced(new KafkaException("timeout")));
        assertTrue(Failures.isFatal(new KafkaException(new SaslAuthenticationException("bad password"))));
        assertFalse(Failures.isFatal(new KafkaException("broker down")));
    }
}
