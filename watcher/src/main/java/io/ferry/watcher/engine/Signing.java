package io.ferry.watcher.engine;

import io.ferry.clients.RecordSigner;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.config.SigningConfig;
import io.ferry.watcher.WatcherException;
import java.util.Optional;

/** The watcher's record signer, a new one for each user, since a signer is not thread-safe. */
final class Signing {

    private Signing() {
    }

    /** Empty when signing is off; a key file that cannot be read is a configuration problem, fatal. */
    static Optional<RecordSigner> signer(FerryConfig config) {
        try {
            return RecordSigner.of(SigningConfig.of(config));
        } catch (FerryException e) {
            throw new WatcherException(e.getMessage(), e);
        }
    }
}
