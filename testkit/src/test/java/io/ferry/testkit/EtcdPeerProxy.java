package io.ferry.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer URL one etcd member advertises: a loopback proxy in front of its real peer port that
 * knows which member dialed each connection, so that {@link PeerLinks} can cut exactly the links to
 * and from an isolated member.
 *
 * <p>etcd 3.4's raft transport speaks HTTP/1.1 between members, and marks every request that carries
 * raft messages with its sender: {@code X-Server-From: <hex member id>} on pipeline posts
 * ({@code POST /raft}), snapshots ({@code POST /raft/snapshot}) and stream requests, whose path also
 * ends in the sender's id ({@code GET /raft/stream/message/<id>}). Traffic flows both ways: a stream
 * is dialed by the member that <em>receives</em> on it, so the responses on a connection dialed by
 * member A to member B carry B's messages to A. The proxy therefore reads the head of every request
 * on a connection (Go keeps pipeline connections alive and sends several requests on one) and tags
 * the connection with its dialer the first time a head names one. A connection is reset before the
 * head is forwarded when {@link PeerLinks#cut} says so, and {@link #cutLinks()} resets open ones after
 * a member is isolated. While the member behind this proxy is isolated, every connection is reset
 * as soon as it is accepted.
 *
 * <p>Requests that name no sender (the RTT prober's {@code GET /raft/probing}, {@code GET /version},
 * {@code GET /members}, lease renewals forwarded to the leader on {@code POST /leases}) cannot be told
 * apart and pass unless the member they go to is isolated. None of them carries raft messages.
 */
final class EtcdPeerProxy implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdPeerProxy.class);
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private final String name;
    private final int member;
    private final int targetPort;
    private final PeerLinks links;
    private final ServerSocket server;
    private final Set<Link> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A proxy for member {@code member} (its index in the cluster), whose etcd listens for peers on {@code targetPort}. */
    EtcdPeerProxy(String name, int member, int targetPort, PeerLinks links) {
        this.name = name;
        this.member = member;
        this.targetPort = targetPort;
        this.links = links;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open a loopback port for the peer proxy of etcd member " + name, e);
        }
        Thread t = new Thread(this::accept, "ferry-etcd-peer-proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** The URL this member advertises to its peers: {@code http://127.0.0.1:<proxy port>}. */
    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Resets every open connection that {@link PeerLinks#cut} now forbids; returns how many. */
    int cutLinks() {
        int n = 0;
        for (Link link : open) {
            if (links.cut(link.dialer(), member)) {
                link.reset();
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        closed.set(true);
        closeQuietly(server);
        open.forEach(Link::reset);
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
            if (links.isolated(member)) {
                reset(client);
                continue;
            }
            Link link = new Link(client);
            open.add(link);
            start("up", () -> forwardRequests(link));
        }
    }

    /**
     * Client to member: one request head at a time, each checked before it is forwarded, bodies passed
     * through. The member is dialed only once the first request may pass, so a cut-off dialer never
     * reaches it at all.
     */
    private void forwardRequests(Link link) {
        try {
            InputStream in = new BufferedInputStream(link.client.getInputStream());
            OutputStream out = null;
            for (byte[] head = readHead(in); head != null; head = readHead(in)) {
                RequestHead request = RequestHead.parse(head);
                if (request.sender() != null) {
                    link.dialer = request.sender();
                }
                if (links.cut(link.dialer(), member)) {
                    LOG.debug("peer proxy {}: reset {} {} from member {}", name, request.method, request.path, link.dialer);
                    link.reset();
                    return;
                }
                if (out == null) {
                    try {
                        link.upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    } catch (IOException e) {
                        // The member is down: its peer sees its connection reset, as it would with no proxy.
                        link.reset();
                        return;
                    }
                    out = link.upstream.getOutputStream();
                    start("down", () -> forwardResponses(link));
                }
                out.write(head);
                request.copyBody(in, out);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            LOG.trace("peer proxy {}: request side ended: {}", name, e.toString());
        } finally {
            link.close();
        }
    }

    /** Member to client: bytes as they come (responses, and on streams the member's raft messages). */
    private void forwardResponses(Link link) {
        try {
            link.upstream.getInputStream().transferTo(link.client.getOutputStream());
        } catch (IOException e) {
            LOG.trace("peer proxy {}: response side ended: {}", name, e.toString());
        } finally {
            link.close();
        }
    }

    private void start(String direction, Runnable body) {
        Thread t = new Thread(body, "ferry-etcd-peer-proxy-" + name + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    /** The bytes up to and including the blank line that ends a request head, or null at a clean end of stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new EOFException("end of stream inside a request head");
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("request head longer than " + MAX_HEAD_BYTES + " bytes; not etcd's raft transport?");
            }
        }
        return head.toByteArray();
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed: nothing to reset
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }

    /** One proxied connection and the member that dialed it, once known. */
    private final class Link {
        final Socket client;
        volatile Socket upstream;
        /**
         * The dialing member's id as its requests carry it, kept as text: connections made while the
         * cluster bootstraps come before the testkit has learnt which member has which id.
         */
        volatile String dialer;

        Link(Socket client) {
            this.client = client;
        }

        /** The dialing member's index, or {@link PeerLinks#UNKNOWN}. */
        int dialer() {
            String id = dialer;
            return id == null ? PeerLinks.UNKNOWN : links.indexOf(id);
        }

        /** Both sides see a RST, as when a partition's firewall rejects the flow. */
        void reset() {
            EtcdPeerProxy.reset(client);
            Socket up = upstream;
            if (up != null) {
                EtcdPeerProxy.reset(up);
            }
            open.remove(this);
        }

        void close() {
            closeQuietly(client);
            Socket up = upstream;
            if (up != null) {
                closeQuietly(up);
            }
            open.remove(this);
        }
    }

    /** The parts of an HTTP/1.1 request head the proxy needs: who sent it and how its body is framed. */
    private record RequestHead(String method, String path, String from, long contentLength, boolean chunked) {

        static RequestHead parse(byte[] head) throws IOException {
            String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] requestLine = lines[0].split(" ");
            if (requestLine.length < 2) {
                throw new IOException("not an HTTP request line: " + lines[0]);
            }
            String from = null;
            long length = 0;
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String key = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                switch (key) {
                    case "x-server-from" -> from = value;
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    default -> { }
                }
            }
            return new RequestHead(requestLine[0], requestLine[1], from, length, chunked);
        }

        /** The id of the member that sent this request: its {@code X-Server-From}, else the last segment of a stream path, else null. */
        String sender() {
            if (from != null) {
                return from;
            }
            if (path.startsWith("/raft/stream/")) {
                return path.substring(path.lastIndexOf('/') + 1);
            }
            return null;
        }

        void copyBody(InputStream in, OutputStream out) throws IOException {
            if (chunked) {
                copyChunks(in, out);
            } else {
                copy(in, out, contentLength);
            }
        }

        private static void copyChunks(InputStream in, OutputStream out) throws IOException {
            while (true) {
                String sizeLine = line(in, out);
                int semicolon = sizeLine.indexOf(';');
                long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    // Trailer fields, if any, then the blank line that ends the body.
                    while (!line(in, out).isEmpty()) {
                        // passed through by line()
                    }
                    return;
                }
                copy(in, out, size);
                line(in, out);
            }
        }

        /** Reads one CRLF-terminated line, writes it through and returns it without the CRLF. */
        private static String line(InputStream in, OutputStream out) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(32);
            for (int b = in.read(); ; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("end of stream inside a chunked body");
                }
                out.write(b);
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(b);
            }
        }

        private static void copy(InputStream in, OutputStream out, long n) throws IOException {
            byte[] buf = new byte[16 * 1024];
            for (long left = n; left > 0; ) {
                int read = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (read < 0) {
                    throw new EOFException("end of stream inside a request body");
                }
                out.write(buf, 0, read);
                left -= read;
            }
        }
    }
}
