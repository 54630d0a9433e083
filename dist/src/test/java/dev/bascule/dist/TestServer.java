package dev.bascule.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** An in-test TCP backend on loopback with a chosen behaviour per connection; a thread per connection. */
final class TestServer implements AutoCloseable {
    interface Behaviour {
        void serve(Socket socket, TestServer server) throws IOException;
    }

    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-server");
        t.setDaemon(true);
        return t;
    });
    final AtomicInteger connections = new AtomicInteger();
    /** Connections whose behaviour has returned: the peer closed, or the behaviour did. */
    final AtomicInteger ended = new AtomicInteger();
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final AtomicLong bytesSent = new AtomicLong();

    private TestServer(Behaviour behaviour, InetAddress address, int port) throws IOException {
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new java.net.InetSocketAddress(address, port), 200);
        threads.execute(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    open.add(s);
                    connections.incrementAndGet();
                    threads.execute(() -> {
                        try (s) {
                            behaviour.serve(s, this);
                        } catch (IOException ignored) {
                            // the client went away: nothing to serve
                        } finally {
                            ended.incrementAndGet();
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    static TestServer start(Behaviour behaviour) {
        return start(behaviour, 0);
    }

    /** On a given port, e.g. to bring a stopped server back where the proxy expects it. */
    static TestServer start(Behaviour behaviour, int port) {
        return start(behaviour, InetAddress.getLoopbackAddress(), port);
    }

    /** On another loopback address (127.0.0.0/8 is all the machine's), so that DNS can move a server between them. */
    static TestServer start(Behaviour behaviour, InetAddress address, int port) {
        try {
            return new TestServer(behaviour, address, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers every connection with one line, then closes: an agent for {@code agent-check}. */
    static Behaviour reply(java.util.function.Supplier<String> line) {
        return (s, server) -> {
            s.getOutputStream().write((line.get() + "\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        };
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Echoes everything; when the client half-closes, reports what it got and closes. */
    static Behaviour echo() {
        return (s, server) -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                total += n;
            }
            out.write(("[eof after " + total + " bytes]\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        };
    }

    /** Says its name on a line, then echoes. */
    static Behaviour named(String name) {
        return (s, server) -> {
            s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            echo().serve(s, server);
        };
    }

    /** Sends {@code total} bytes of {@link #pattern} as fast as the connection takes them, then closes. */
    static Behaviour source(long total) {
        return (s, server) -> {
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            long sent = 0;
            while (sent < total) {
                int n = (int) Math.min(chunk.length, total - sent);
                for (int i = 0; i < n; i++) {
                    chunk[i] = pattern(sent + i);
                }
                out.write(chunk, 0, n);
                sent += n;
                server.bytesSent.addAndGet(n);
            }
            out.flush();
        };
    }

    /**
     * An HTTP/1.1 server: answers each request head, after {@code delayMs}, with 200 and its request line as the
     * body (noted in {@code seen}, in the order served); on a connection's request number {@code answered + 1} it
     * closes without answering, as a server closing an idle keep-alive connection just as a request arrives.
     */
    static Behaviour http(long delayMs, int answered, java.util.Queue<String> seen) {
        return (s, server) -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (int n = 0; ; n++) {
                String line = requestLine(in);
                if (line == null || n == answered) {
                    return;
                }
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    return;
                }
                seen.add(line);
                byte[] body = line.getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        };
    }

    /**
     * An HTTP/1.1 server that answers each request on a connection with 200 and the head it got as the body: what
     * the proxy made of the request, byte for byte (a Content-Length body is read and left out).
     */
    static Behaviour headEcho() {
        return (s, server) -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (String head; (head = head(in)) != null; ) {
                java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)")
                        .matcher(head);
                if (length.find()) {
                    in.readNBytes(Integer.parseInt(length.group(1)));
                }
                byte[] body = head.getBytes(StandardCharsets.ISO_8859_1);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        };
    }

    /** The next request head, its blank line included, or null at end of stream. */
    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
        }
        return null;
    }

    /** The request line of the next head (the rest of the head read and dropped), or null at end of stream. */
    private static String requestLine(InputStream in) throws IOException {
        String head = head(in);
        return head == null ? null : head.substring(0, head.indexOf("\r\n"));
    }

    /**
     * Notes everything a connection brings (in {@code seen}, as ISO-8859-1, once the peer closes or is quiet
     * for half a second; an empty string for a connection that brought nothing) and answers the first head
     * with a 200 that closes.
     */
    static Behaviour recording(java.util.Queue<String> seen) {
        return (s, server) -> {
            StringBuilder got = new StringBuilder();
            s.setSoTimeout(500);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            boolean answered = false;
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    if (!answered && got.indexOf("\r\n\r\n") >= 0) {
                        answered = true;
                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                .getBytes(StandardCharsets.US_ASCII));
                    }
                }
            } catch (java.net.SocketTimeoutException quiet) {
                // all there is
            } finally {
                seen.add(got.toString());
            }
        };
    }

    /** Reads and never answers. */
    static Behaviour silent() {
        return (s, server) -> {
            byte[] buf = new byte[4096];
            while (s.getInputStream().read(buf) > 0) {
                // swallow
            }
        };
    }

    /** The byte at {@code offset} of the reference stream: not periodic at any power of two. */
    static byte pattern(long offset) {
        return (byte) ((offset * 31 + (offset >>> 13)) % 251);
    }

    /** Stops listening and ends the open connections, as a crashed server would. */
    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
        open.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        });
    }
}
