package dev.bascule.dist;

import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clients that keep coming until closed (the caller bounds how long): HTTP on new connections, HTTP kept alive
 * (50 requests a connection, a new one when the server answers {@code Connection: close}, as any client does),
 * and optionally Redis PINGs on new TCP connections. Every error (refused, reset, early close, non-200) is a
 * failure; the bodies served are counted by their text, so a test sees which server answered.
 */
final class ClientLoad implements AutoCloseable {
    private static final int KEPT_ALIVE_REQUESTS = 50;

    final AtomicInteger ok = new AtomicInteger();
    final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> bodies = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    /** HTTP on {@code httpPort}, both ways. */
    static ClientLoad http(int httpPort) {
        return new ClientLoad(httpPort, -1);
    }

    /** HTTP on {@code httpPort}, both ways, and Redis PINGs through {@code redisPort}. */
    static ClientLoad httpAndRedis(int httpPort, int redisPort) {
        return new ClientLoad(httpPort, redisPort);
    }

    private ClientLoad(int httpPort, int redisPort) {
        loop("new connection", () -> {
            try (Socket s = connect(httpPort)) {
                exchange(s, "close");
            }
        });
        loop("kept-alive", () -> {
            try (Socket s = connect(httpPort)) {
                for (int i = 0; i < KEPT_ALIVE_REQUESTS && running.get(); i++) {
                    if (!exchange(s, "keep-alive")) {
                        break;
                    }
                }
            }
        });
        if (redisPort > 0) {
            loop("redis", () -> {
                try (Socket s = connect(redisPort)) {
                    s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] pong = s.getInputStream().readNBytes(7);
                    if (!new String(pong, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                        throw new AssertionError("redis answered '" + new String(pong, StandardCharsets.US_ASCII)
                                + "'");
                    }
                    ok.incrementAndGet();
                }
            });
        }
    }

    private interface Client {
        void run() throws Exception;
    }

    private void loop(String what, Client client) {
        Thread t = new Thread(() -> {
            while (running.get()) {
                try {
                    client.run();
                } catch (Exception | AssertionError e) {
                    failures.add(what + ": " + e);
                }
            }
        }, "load-" + what);
        threads.add(t);
        t.start();
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    /**
     * One request and its whole response (Content-Length framed, as the test servers answer).
     *
     * @return whether the connection may carry another request
     */
    private boolean exchange(Socket s, String connection) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(("GET /load HTTP/1.1\r\nHost: r\r\nConnection: " + connection + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed after " + head.length() + " bytes of head");
            }
            head.append((char) b);
        }
        String h = head.toString();
        if (!h.startsWith("HTTP/1.1 200")) {
            throw new AssertionError(h.lines().findFirst().orElse(""));
        }
        int length = Integer.parseInt(h.replaceAll("(?si).*content-length: (\\d+).*", "$1"));
        String body = new String(in.readNBytes(length), StandardCharsets.US_ASCII).trim();
        bodies.computeIfAbsent(body, b -> new LongAdder()).increment();
        ok.incrementAndGet();
        return !h.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n");
    }

    /** How many responses had this body so far. */
    long served(String body) {
        LongAdder n = bodies.get(body);
        return n == null ? 0 : n.sum();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}
