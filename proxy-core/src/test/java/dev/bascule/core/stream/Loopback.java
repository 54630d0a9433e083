package dev.bascule.core.stream;

import dev.bascule.config.ConfigParser;
import dev.bascule.config.ParseResult;
import dev.bascule.core.Runtime;
import dev.bascule.core.Transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A proxy started in-process from a config text on loopback, with every ended {@link Stream} collected through
 * the runtime's stream hook; and small loopback servers and clients around it.
 */
public final class Loopback implements AutoCloseable {
    private static final Set<Integer> GIVEN_PORTS = ConcurrentHashMap.newKeySet();

    public final Runtime runtime;
    private final BlockingQueue<Stream> ended = new LinkedBlockingQueue<>();

    public Loopback(String config) throws Exception {
        runtime = Runtime.start(parse(config), Transport.select(false));
        runtime.onStreamEnd(ended::add);
    }

    public static dev.bascule.config.model.Config parse(String config) {
        ParseResult parsed = new ConfigParser(name -> null, Set.of()).parse("test.cfg", config);
        if (!parsed.valid()) {
            throw new IllegalArgumentException(parsed.diagnostics().toString());
        }
        return parsed.config();
    }

    /** The next stream to end, within 5 s. */
    public Stream nextEnded() throws InterruptedException {
        Stream s = ended.poll(5, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no stream ended within 5 s");
        }
        return s;
    }

    /** No further stream ends within {@code ms}. */
    public boolean quietFor(long ms) throws InterruptedException {
        return ended.poll(ms, TimeUnit.MILLISECONDS) == null;
    }

    @Override
    public void close() {
        runtime.close();
    }

    /**
     * A port nobody listens on right now, and one this JVM has not handed out before: once the probe closes, the
     * kernel may give the same port to the next probe, and a test's two listeners on one port both bind (Bascule
     * sets SO_REUSEPORT, as HAProxy does) and share its connections between them.
     */
    public static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN_PORTS.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    public static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        s.setSoTimeout(10_000);
        return s;
    }

    public static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Everything until the peer closes. */
    public static String readAll(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** One HTTP exchange on a new connection that the server closes after its answer. */
    public static String exchange(int port, String request) throws IOException {
        try (Socket s = connect(port)) {
            send(s, request);
            return readAll(s);
        }
    }

    /** A loopback HTTP server answering each request head, after {@code delayMs}, with {@code body}. */
    public static final class Backend implements AutoCloseable {
        final ServerSocket socket;
        private final Thread acceptor;

        public Backend(long delayMs, String body) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket c = socket.accept();
                        Thread t = new Thread(() -> serve(c, delayMs, body));
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        public int port() {
            return socket.getLocalPort();
        }

        private static void serve(Socket c, long delayMs, String body) {
            try (c) {
                InputStream in = c.getInputStream();
                while (readHead(in)) {
                    Thread.sleep(delayMs);
                    c.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n"
                            + body).getBytes(StandardCharsets.ISO_8859_1));
                }
            } catch (IOException | InterruptedException e) {
                // the proxy went away
            }
        }

        /** Reads up to the blank line; false at end of stream. */
        private static boolean readHead(InputStream in) throws IOException {
            int window = 0;
            for (int b; (b = in.read()) >= 0; ) {
                window = window << 8 | b;
                if (window == 0x0D0A0D0A) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * A loopback server that reads each connection's one request head, writes what {@code answer} makes of it (which
     * may read a body after it), then closes the connection.
     */
    public static final class OneRequestServer implements AutoCloseable {
        public interface Answer {
            String to(String head, InputStream in) throws IOException;
        }

        private final ServerSocket socket;

        public OneRequestServer(Answer answer) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket c = socket.accept()) {
                        InputStream in = c.getInputStream();
                        c.getOutputStream().write(answer.to(head(in), in).getBytes(StandardCharsets.ISO_8859_1));
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        public int port() {
            return socket.getLocalPort();
        }

        /** The request head, up to and with its blank line (less at end of stream). */
        private static String head(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int window = 0;
            for (int b; window != 0x0D0A0D0A && (b = in.read()) >= 0; ) {
                head.write(b);
                window = window << 8 | b;
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        /** A 200 carrying {@code body}, the connection closing. */
        public static String ok(String body) {
            return "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    public static List<String> lines(String text) {
        return List.of(text.split("\r\n"));
    }
}
