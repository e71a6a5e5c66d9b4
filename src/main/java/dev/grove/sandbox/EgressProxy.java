package dev.grove.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grove's side of an {@code allow} sandbox's network: an HTTP proxy on a Unix socket that is bound into the sandbox
 * (inside, {@code socat} forwards a loopback port to it and {@code HTTPS_PROXY}/{@code HTTP_PROXY} point there). It
 * serves {@code CONNECT host:port} (HTTPS) and absolute-URI requests ({@code GET http://host/...}, plain HTTP), only to
 * the hosts its {@link NetworkPolicy} lists; anything else gets 403, and the refusal is logged and reported. Names are
 * resolved here, outside the sandbox (which has no DNS of its own).
 */
final class EgressProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EgressProxy.class);
    private static final int MAX_HEAD_BYTES = 32 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final ServerSocketChannel server;
    private final Path socket;
    private final NetworkPolicy policy;
    private final String label;
    private final Consumer<String> onRefusal;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private EgressProxy(ServerSocketChannel server, Path socket, NetworkPolicy policy, String label,
            Consumer<String> onRefusal) {
        this.server = server;
        this.socket = socket;
        this.policy = policy;
        this.label = label;
        this.onRefusal = onRefusal;
        this.acceptor = new Thread(this::acceptLoop, "sandbox-proxy-" + socket.getFileName());
        this.acceptor.setDaemon(true);
    }

    /** Listens on {@code socket} (a path that does not exist yet). */
    static EgressProxy start(Path socket, NetworkPolicy policy, String label, Consumer<String> onRefusal)
            throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        EgressProxy proxy = new EgressProxy(server, socket, policy, label, onRefusal);
        proxy.acceptor.start();
        return proxy;
    }

    Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            open.add(client);
            Thread t = new Thread(() -> serve(client), "sandbox-proxy-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel client) {
        try {
            InputStream in = input(client);
            OutputStream out = output(client);
            byte[] head = readHead(in);
            if (head == null) {
                client.close();
                return;
            }
            String text = new String(head, StandardCharsets.ISO_8859_1);
            int eol = text.indexOf("\r\n");
            String[] first = (eol < 0 ? text : text.substring(0, eol)).split(" ");
            if (first.length < 3) {
                answer(out, 400, "Bad Request", "not an HTTP proxy request");
                client.close();
                return;
            }
            String method = first[0];
            String target = first[1];
            if (method.equalsIgnoreCase("CONNECT")) {
                int colon = target.lastIndexOf(':');
                String host = colon > 0 ? target.substring(0, colon) : target;
                int port = colon > 0 ? parsePort(target.substring(colon + 1)) : 443;
                if (!admit(host, port, out, client)) return;
                Socket upstream = connect(host, port, out, client);
                if (upstream == null) return;
                out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                pipe(client, in, out, upstream, new byte[0]);
            } else {
                URI uri;
                try {
                    uri = URI.create(target);
                } catch (IllegalArgumentException e) {
                    uri = null;
                }
                if (uri == null || uri.getHost() == null || !"http".equalsIgnoreCase(uri.getScheme())) {
                    answer(out, 400, "Bad Request", "only CONNECT and absolute http:// requests go through this proxy");
                    client.close();
                    return;
                }
                String host = uri.getHost();
                int port = uri.getPort() > 0 ? uri.getPort() : 80;
                if (!admit(host, port, out, client)) return;
                Socket upstream = connect(host, port, out, client);
                if (upstream == null) return;
                String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
                StringBuilder rewritten = new StringBuilder(method).append(' ').append(path).append(' ')
                        .append(first[2]).append("\r\n");
                for (String h : text.substring(eol + 2).split("\r\n")) {
                    String lower = h.toLowerCase(Locale.ROOT);
                    if (h.isEmpty() || lower.startsWith("proxy-connection:") || lower.startsWith("proxy-authorization:")
                            || lower.startsWith("connection:") || lower.startsWith("keep-alive:")) {
                        continue;
                    }
                    rewritten.append(h).append("\r\n");
                }
                // one request per connection: the next one comes with its own absolute URI, to be checked again
                rewritten.append("Connection: close\r\n\r\n");
                pipe(client, in, out, upstream, rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private boolean admit(String host, int port, OutputStream out, SocketChannel client) throws IOException {
        if (port > 0 && policy.allows(host, port)) return true;
        String what = host + ":" + port;
        log.warn("sandbox {}: refused a connection to {} (not on its allow list {})", label, what, policy.allow());
        try {
            onRefusal.accept("the sandbox refused a connection to " + what + ": not on this agent's allow list "
                    + policy.allow());
        } catch (RuntimeException ignored) {
            // reporting a refusal never breaks the proxy
        }
        answer(out, 403, "Forbidden", "Grove's sandbox refused " + what + ": not on this agent's allow list "
                + policy.allow() + " (GROVE_AGENTS_FILE `allow:`)");
        client.close();
        return false;
    }

    private Socket connect(String host, int port, OutputStream out, SocketChannel client) throws IOException {
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            return upstream;
        } catch (IOException e) {
            upstream.close();
            answer(out, 502, "Bad Gateway", "could not reach " + host + ":" + port + ": " + e.getMessage());
            client.close();
            return null;
        }
    }

    /** Copies both ways until either side closes; {@code first} goes upstream before the client's further bytes. */
    private void pipe(SocketChannel client, InputStream clientIn, OutputStream clientOut, Socket upstream, byte[] first)
            throws IOException {
        open.add(upstream);
        OutputStream upOut = upstream.getOutputStream();
        upOut.write(first);
        upOut.flush();
        Thread up = new Thread(() -> {
            copy(clientIn, upOut);
            try {
                upstream.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }, "sandbox-proxy-up");
        up.setDaemon(true);
        up.start();
        copy(upstream.getInputStream(), clientOut);
        closeQuietly(client);
        closeQuietly(upstream);
        open.remove(client);
        open.remove(upstream);
    }

    /**
     * Streams over a blocking channel that can be read and written at once from two threads (those of
     * {@code Channels.newInputStream/newOutputStream} share one lock, so a blocked read would stall every write).
     */
    private static InputStream input(SocketChannel ch) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                return ch.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    private static OutputStream output(SocketChannel ch) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        };
    }

    private static void copy(InputStream in, OutputStream out) {
        byte[] buf = new byte[16384];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side closed
        }
    }

    /** The request head up to and including the blank line; null if the client closed first or sent too much. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (head.size() < MAX_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) return null;
            head.write(b);
            state = switch (state) {
                case 0 -> b == '\r' ? 1 : 0;
                case 1 -> b == '\n' ? 2 : b == '\r' ? 1 : 0;
                case 2 -> b == '\r' ? 3 : 0;
                case 3 -> b == '\n' ? 4 : b == '\r' ? 1 : 0;
                default -> 0;
            };
            if (state == 4) return head.toByteArray();
        }
        return null;
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void answer(OutputStream out, int code, String reason, String body) throws IOException {
        byte[] b = (body + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + code + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + b.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (AutoCloseable c : List.copyOf(open)) {
            closeQuietly(c);
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // a stale socket file in Grove's private runtime folder harms nothing
        }
    }
}
