package io.ferry.clients;

import io.ferry.core.FerryException;

/**
 * etcd did not answer in time. At start-up that ends the command; while the watcher runs it is
 * a failure that resuming can get past. The message names the endpoints and, with TLS, what a
 * handshake of its own found wrong with each.
 */
public final class EtcdUnavailableException extends FerryException {

    public EtcdUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
