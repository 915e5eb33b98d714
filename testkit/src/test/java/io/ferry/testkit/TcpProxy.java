package io.ferry.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy between Ferry and one server, for network faults: {@link #resetAll()} ends
 * every connection with a RST, {@link #delay(long)} holds each chunk of data back,
 * {@link #refuse(boolean)} closes every new connection at once, as a server that is restarting
 * does, and {@link #blackhole(boolean)} is a silent partition: connections stay open and new ones
 * are accepted, but no byte gets through until it ends. One thread per direction per connection;
 * Ferry opens a handful of connections per server.
 */
public final class TcpProxy implements AutoCloseable {

    private final String name;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile long delayMs;
    private volatile boolean refusing;
    private volatile boolean blackholed;
    /** Where pumps wait while {@link #blackholed}; notified when it ends and when sockets are closed. */
    private final Object gate = new Object();

    private static final java.util.regex.Pattern LOOPBACK = java.util.regex.Pattern.compile("//127\\.0\\.0\\.1:(\\d+)");

    public TcpProxy(String name, int targetPort) throws IOException {
        this.name = name;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "faults-proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** A proxy to the server of {@code url} (a JDBC URL or an endpoint), which must be on 127.0.0.1. */
    public static TcpProxy to(String name, String url) throws IOException {
        java.util.regex.Matcher m = LOOPBACK.matcher(url);
        if (!m.find()) {
            throw new IllegalArgumentException("only servers on 127.0.0.1 are proxied; cannot proxy " + url);
        }
        return new TcpProxy(name, Integer.parseInt(m.group(1)));
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Resets every open connection (SO_LINGER 0, so the peers see a RST); returns how many sockets it closed. */
    public int resetAll() {
        int n = 0;
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException e) {
                // already closed: nothing to reset
            }
            closeQuietly(s);
            n++;
        }
        synchronized (gate) {
            gate.notifyAll();
        }
        return n;
    }

    /** Holds every chunk back by {@code ms} from now on; 0 ends the delay. */
    public void delay(long ms) {
        delayMs = ms;
    }

    /** While {@code on}, every new connection is closed as soon as it is accepted; open ones go on. */
    public void refuse(boolean on) {
        refusing = on;
    }

    /** How many connections {@link #refuse(boolean)} has closed so far: a client that retries shows here. */
    public int refused() {
        return refused.get();
    }

    /**
     * While {@code on}, no byte is forwarded in either direction, on open connections and on new ones
     * (which are still accepted): a silent partition, as when a network drops packets, where neither
     * side sees a reset or an end of stream and only its own timeouts tell it something is wrong.
     * What each side sent meanwhile is held, not dropped, and delivered in order when it ends, as TCP
     * retransmission would after a partition heals. A side that closes its connection meanwhile is
     * likewise not seen by the other side until it ends; {@link #resetAll()} and {@link #close()} still
     * reset at once.
     */
    public void blackhole(boolean on) {
        blackholed = on;
        if (!on) {
            synchronized (gate) {
                gate.notifyAll();
            }
        }
    }

    /** {@code url} (a JDBC URL or an endpoint on 127.0.0.1) with its port replaced by this proxy's. */
    public String through(String url) {
        return LOOPBACK.matcher(url).replaceFirst("//127.0.0.1:" + port());
    }

    private void accept() {
        // Ends when close() closes the server socket.
        while (!closed.get()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (refusing) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, "up");
                pump(upstream, client, "down");
            } catch (IOException e) {
                // The server is down (a restart fault): the client sees its connection refused-and-closed.
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            // The streams are not closed here: that would close the sockets before a blackhole lets the end through.
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                // Ends at end of stream or when either socket is closed.
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    long d = delayMs;
                    if (d > 0) {
                        Thread.sleep(d); // the injected latency itself
                    }
                    awaitNoBlackhole(from, to);
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // a reset, or the other side went away: close both below
            } finally {
                try {
                    // An end of stream must not cross a blackhole either.
                    awaitNoBlackhole(from, to);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "faults-proxy-" + name + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    /** Holds a pump (and with it the chunk it read) while blackholed; returns at once when it is not. */
    private void awaitNoBlackhole(Socket from, Socket to) throws InterruptedException {
        synchronized (gate) {
            while (blackholed && !closed.get() && !from.isClosed() && !to.isClosed()) {
                gate.wait();
            }
        }
    }

    @Override
    public void close() {
        closed.set(true);
        closeQuietly(server);
        resetAll();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }
}
