package io.ferry.clients;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A loopback TCP relay to one server that keeps every byte clients send through it: what an
 * eavesdropper on the path would read. One thread per direction per connection.
 */
final class RecordingRelay implements AutoCloseable {

    private final int targetPort;
    private final ServerSocket server;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    RecordingRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept, "recording-relay");
    }

    int port() {
        return server.getLocalPort();
    }

    /** Every byte clients sent to the server so far, connections interleaved. */
    byte[] sentToServer() {
        synchronized (sent) {
            return sent.toByteArray();
        }
    }

    private void accept() {
        // Ends when close() closes the server socket.
        while (true) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                daemon(() -> pump(client, upstream, true), "recording-relay-up");
                daemon(() -> pump(upstream, client, false), "recording-relay-down");
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean record) {
        byte[] buf = new byte[16 * 1024];
        try (from; to; InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                if (record) {
                    synchronized (sent) {
                        sent.write(buf, 0, n);
                    }
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // either side went away: both sockets close above
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
