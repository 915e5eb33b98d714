package io.ferry.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server (or a database on one) that a test class registers as a static extension, {@code
 * @RegisterExtension static final EtcdServer ETCD = new EtcdServer();}: started before the class's
 * first test and closed after its last. A field inherited by several test classes serves each in
 * turn: the class that started it closes it. Tests may also {@link #start()} and {@link #close()}
 * it by hand.
 */
public abstract class ServerExtension implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private String owner;

    @Override
    public final void beforeAll(ExtensionContext context) {
        if (owner == null) {
            owner = context.getUniqueId();
            start(context);
        }
    }

    @Override
    public final void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(owner)) {
            owner = null;
            close();
        }
    }

    /** Starts the server, or does nothing when it runs; waits until it answers. */
    public abstract void start();

    /** {@link #start()} for the test class of {@code context}, which a server may use to name what it makes. */
    protected void start(ExtensionContext context) {
        start();
    }

    /** Stops the server and deletes what it stored. Safe to call twice. */
    @Override
    public abstract void close();
}
