package io.ferry.cli;

import io.ferry.cli.embedded.EmbeddedKafka;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.KafkaConfig;
import java.nio.file.Path;

/** Small pieces the commands share for turning a configuration into running clients. */
final class Components {

    private Components() {
    }

    /** The same configuration with Kafka pointed at {@code bootstrap}, e.g. the embedded broker just started. */
    static FerryConfig withBootstrap(FerryConfig c, String bootstrap) {
        KafkaConfig k = c.kafka();
        return new FerryConfig(c.etcd(), new KafkaConfig(bootstrap, k.topic(), k.partitions(), k.embeddedDir(),
                k.clientProperties()), c.watcher(), c.sink(), c.http(), c.values());
    }

    /**
     * For commands that run beside a {@code ferry run}: with {@code kafka.bootstrap: embedded},
     * the address of the broker that process runs.
     */
    static FerryConfig resolveEmbedded(FerryConfig c) {
        if (!c.kafka().embedded()) {
            return c;
        }
        String address = EmbeddedKafka.addressOf(Path.of(c.kafka().embeddedDir())).orElseThrow(() -> new FerryException(
                "kafka.bootstrap is 'embedded' but no embedded broker was ever started in " + c.kafka().embeddedDir()
                        + ". Start 'ferry run' first, or set kafka.bootstrap to your brokers."));
        return withBootstrap(c, address);
    }
}
