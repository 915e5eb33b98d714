package io.ferry.cli;

import io.ferry.cli.embedded.EmbeddedKafka;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import java.nio.file.Path;

/** Small pieces the commands share for turning a configuration into running clients. */
final class Components {

    private Components() {
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
        return c.withBootstrap(address);
    }
}
