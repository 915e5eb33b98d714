package io.ferry.watcher.engine;

import io.ferry.core.config.FerryConfig;
import io.ferry.core.event.Checkpoint;
import java.util.Optional;

/**
 * The newest committed checkpoint of the watcher configured by {@code config}, for commands run
 * beside it such as {@code ferry status}, which reach it through
 * {@link io.ferry.watcher.EtcdWatcher#latestCheckpoint}; the watcher itself reads it through
 * {@link CheckpointReader} at start-up.
 */
public final class Checkpoints {

    private Checkpoints() {
    }

    public static Optional<Checkpoint> latest(FerryConfig config) {
        KafkaClients clients = new KafkaClients(config.kafka(), config.watcher().maxMessageBytes());
        return new CheckpointReader(clients, config.watcher().kafkaTimeout(), Signing.signer(config))
                .latest(config.kafka().topic());
    }
}
