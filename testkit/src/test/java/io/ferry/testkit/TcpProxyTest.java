package io.ferry.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TcpProxy's faults against an echo server on loopback, which records what reaches it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpProxyTest {

    /** How long "nothing arrives" is watched for; a broken blackhole delivers in microseconds on loopback. */
    private static final int QUIET_MS = 500;

    private ServerSocket echo;
    private final BlockingQueue<String> reached = new LinkedBlockingQueue<>();
    private TcpProxy proxy;

    @BeforeEach
    void echoServerBehindAProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::serveEcho, "echo");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = new TcpProxy("echo", echo.getLocalPort());
    }

    @AfterEach
    void close() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void blackholeHoldsBytesBothWaysWithoutAResetAndDeliversThemInOrderWhenItEnds() throws Exception {
        try (Socket client = connect()) {
            assertEquals("a", roundTrip(client, "a"));
            awaitReached("a");

            proxy.blackhole(true);
            client.getOutputStream().write("bc".getBytes(UTF_8));

            // Silence, not an end of stream or a reset: the read times out.
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
            assertEquals(null, reached.poll(QUIET_MS, TimeUnit.MILLISECONDS), "nothing may reach the server");

            proxy.blackhole(false);
            assertEquals("bc", read(client, 2));
            awaitReached("bc");
        }
    }

    @Test
    void aConnectionOpenedDuringABlackholeIsAcceptedButSilentUntilItEnds() throws Exception {
        proxy.blackhole(true);
        try (Socket client = connect()) {
            client.getOutputStream().write("x".getBytes(UTF_8));
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());

            proxy.blackhole(false);

            assertEquals("x", read(client, 1));
        }
    }

    @Test
    void aCloseDuringABlackholeReachesTheServerOnlyWhenItEnds() throws Exception {
        Socket client = connect();
        assertEquals("a", roundTrip(client, "a"));
        awaitReached("a");
        proxy.blackhole(true);

        client.close();

        assertEquals(null, reached.poll(QUIET_MS, TimeUnit.MILLISECONDS), "the server must not see the end of stream yet");
        proxy.blackhole(false);
        assertEquals("<eof>", reached.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void resetAllStillResetsBlackholedConnections() throws Exception {
        try (Socket client = connect()) {
            assertEquals("a", roundTrip(client, "a"));
            proxy.blackhole(true);

            proxy.resetAll();

            // A reset reaches the client even though the proxy forwards no byte.
            client.setSoTimeout(10_000);
            assertThrows(IOException.class, () -> {
                int b = client.getInputStream().read();
                if (b < 0) {
                    throw new IOException("end of stream");
                }
            });
        }
    }

    private Socket connect() throws IOException {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        client.setSoTimeout(QUIET_MS);
        return client;
    }

    private String roundTrip(Socket client, String text) throws IOException {
        client.getOutputStream().write(text.getBytes(UTF_8));
        return read(client, text.length());
    }

    private static String read(Socket client, int n) throws IOException {
        client.setSoTimeout(10_000);
        byte[] got = client.getInputStream().readNBytes(n);
        client.setSoTimeout(QUIET_MS);
        return new String(got, UTF_8);
    }

    /** Waits until what the server received next, taken off the queue, is {@code expected}. */
    private void awaitReached(String expected) {
        StringBuilder all = new StringBuilder();
        Awaitility.await("the server to receive " + expected).atMost(Duration.ofSeconds(10)).until(() -> {
            for (String s = reached.poll(); s != null; s = reached.poll()) {
                all.append(s);
            }
            return all.length() >= expected.length();
        });
        assertEquals(expected, all.toString());
    }

    private void serveEcho() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> echoOn(s), "echo-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echoOn(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            byte[] buf = new byte[1024];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                reached.add(new String(buf, 0, n, UTF_8));
                s.getOutputStream().write(buf, 0, n);
            }
            reached.add("<eof>");
        } catch (IOException e) {
            reached.add("<reset>");
        }
    }
}
