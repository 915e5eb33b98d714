package io.ferry.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.clients.RecordSigner;
import io.ferry.core.config.SigningConfig;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Op;
import io.ferry.testkit.EtcdServer;
import io.ferry.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With {@code signing.key} set the watcher signs every record, and trusts only signed checkpoints: a
 * checkpoint forged with a revision far ahead, which would make a restarted watcher resume past
 * changes it never sent, is passed over; a topic with no genuine checkpoint at all stops it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SignedCheckpointIT {

    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final String KEY = "the-watchers-signing-key-0123456789";

    private static Map<String, Object> signed(String topic, String prefix) {
        Map<String, Object> s = Fixture.settings(ETCD, KAFKA, topic, prefix);
        s.put("signing.key", KEY);
        return s;
    }

    @Test
    void everyRecordIsSignedAndAForgedCheckpointIsPassedOver() throws Exception {
        Map<String, Object> s = signed("signed.cp", "/signed-cp/");
        Fixture.put(ETCD.client(), Fixture.bytes("/signed-cp/before"), Fixture.bytes("1"));
        long first;
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
            first = Fixture.put(ETCD.client(), Fixture.bytes("/signed-cp/streamed"), Fixture.bytes("2"));
            Fixture.awaitProduced(watcher::producedRevision, first, Duration.ofSeconds(60));
        }
        RecordSigner signer = RecordSigner.of(new SigningConfig(List.of(KEY.getBytes(StandardCharsets.UTF_8)), false))
                .orElseThrow();
        for (ConsumerRecord<byte[], byte[]> r : Fixture.readCommitted(KAFKA, "signed.cp")) {
            assertEquals(RecordSigner.Check.VALID, signer.check(r.topic(), r.partition(), r.key(), r.value(), r.headers()),
                    "record " + r.partition() + "@" + r.offset() + " (" + Fixture.kind(r) + ")");
        }
        List<ConsumerRecord<byte[], byte[]>> checkpoints = Fixture.readCommitted(KAFKA, "signed.cp.checkpoint");
        ConsumerRecord<byte[], byte[]> genuine = checkpoints.get(checkpoints.size() - 1);
        assertEquals(RecordSigner.Check.VALID, signer.check(genuine.topic(), 0, genuine.key(), genuine.value(), genuine.headers()));

        // Someone who may write the checkpoint topic, but lacks the key, moves the resume point far ahead.
        Checkpoint real = Checkpoint.decode(genuine.value());
        forge(new Checkpoint(real.clusterId(), real.revision() + 1_000_000, real.epoch(), false, System.currentTimeMillis()));
        long whileStopped = Fixture.put(ETCD.client(), Fixture.bytes("/signed-cp/while-stopped"), Fixture.bytes("3"));

        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
            Fixture.awaitProduced(watcher::producedRevision, whileStopped, Duration.ofSeconds(60));
        }
        ChangeEvent resumed = Fixture.readCommitted(KAFKA, "signed.cp").stream()
                .filter(r -> r.value() != null && Arrays.equals(r.key(), Fixture.bytes("/signed-cp/while-stopped")))
                .map(r -> Fixture.CODEC.decodeChange(r.value())).findFirst().orElse(null);
        assertNotNull(resumed, "the change made while the watcher was stopped reached the topic");
        assertEquals(Op.CREATE, resumed.op(), "sent by the watch resumed from the genuine checkpoint, not by a new snapshot");
        assertEquals(whileStopped, resumed.revision());
    }

    @Test
    void aTopicWithoutAGenuineCheckpointStopsTheWatcherInsteadOfGuessing() throws Exception {
        Map<String, Object> unsignedRun = Fixture.settings(ETCD, KAFKA, "unsigned.cp", "/unsigned-cp/");
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(unsignedRun), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)));
        }
        Map<String, Object> s = signed("unsigned.cp", "/unsigned-cp/");
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            WatcherException e = assertThrows(WatcherException.class, () -> watcher.awaitStreaming(Duration.ofMinutes(1)));
            assertTrue(e.getMessage().contains("signing.accept.unsigned: true"), e.getMessage());
            assertFalse(e.getMessage().contains(KEY), e.getMessage());
        }
        s.put("signing.accept.unsigned", true);
        try (EtcdWatcher watcher = EtcdWatcher.create(Fixture.config(s), new SimpleMeterRegistry())) {
            watcher.start();
            assertTrue(watcher.awaitStreaming(Duration.ofMinutes(2)), "turning signing on, once");
        }
    }

    private static void forge(Checkpoint checkpoint) throws Exception {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Checkpoint.topicFor("signed.cp"), 0, Checkpoint.recordKey("signed.cp"),
                    checkpoint.encode())).get(30, TimeUnit.SECONDS);
        }
    }
}
