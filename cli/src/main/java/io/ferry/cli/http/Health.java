package io.ferry.cli.http;

/**
 * What a running ferry process says about itself, for {@code /health}, {@code /ready} and the
 * status page.
 *
 * @param alive false once a component has failed for good; {@code /health} then answers 503
 * @param ready true while replication is caught up within the configured bounds
 * @param reason why the process is not alive or not ready, for a person reading the response
 * @param revisionLag etcd's current revision minus the revision applied downstream
 */
public record Health(boolean alive, boolean ready, String reason, long revisionLag) {
}
