package io.ferry.core;

import java.lang.management.ManagementFactory;

/**
 * This machine's host name, without a DNS lookup (which can hang where the name does not resolve):
 * the JVM's own "pid@host" runtime name, which it takes from the operating system.
 */
public final class HostName {

    private HostName() {
    }

    /** The host name, or {@code localhost} when the runtime does not say. */
    public static String get() {
        String name = ManagementFactory.getRuntimeMXBean().getName();
        int at = name.indexOf('@');
        String host = at < 0 ? "" : name.substring(at + 1);
        return host.isBlank() ? "localhost" : host;
    }
}
