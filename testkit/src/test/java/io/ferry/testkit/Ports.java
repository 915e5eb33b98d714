package io.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free TCP ports on the loopback interface, for servers the testkit starts itself.
 *
 * <p>A port is free when the operating system hands it out for a fresh listening socket. The
 * socket is closed again before the port is returned, so another process could in principle take
 * it in between; to make that unlikely within one JVM, a port is never handed out twice.
 */
public final class Ports {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {
    }

    /** Returns a loopback port that nothing listens on right now and that this JVM has not handed out before. */
    public static synchronized int free() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = probe();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("Could not find a free loopback port in 50 attempts; is the ephemeral port range exhausted?");
    }

    /** Whether something accepts connections on the loopback {@code port} (tried for up to a second). */
    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open a listening socket on the loopback interface to find a free port", e);
        }
    }
}
