package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An operator puts TCP services (log collectors, echo, streams) behind Bascule and clients use them. */
class TcpProxyIT {
    private static final long MB = 1024 * 1024;

    static String config(String listen) {
        return """
                global
                    maxconn 1000
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                """ + listen;
    }

    @Test
    void echoes_100_MB_byte_exact_through_the_proxy() throws Exception {
        try (TestServer echo = TestServer.start(TestServer.echo())) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("echo100", config("""
                    listen echo
                        bind 127.0.0.1:%d
                        server e1 127.0.0.1:%d
                    """.formatted(port, echo.port())));
            try (Bascule proxy = Bascule.serve(cfg, port); Socket client = new Socket("127.0.0.1", port)) {
                long total = 100 * MB;
                long start = System.nanoTime();
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writePattern(client, total));
                InputStream in = client.getInputStream();
                byte[] buf = new byte[64 * 1024];
                long received = 0;
                while (received < total) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, total - received));
                    assertTrue(n > 0, "stream ended after " + received + " bytes");
                    for (int i = 0; i < n; i++) {
                        if (buf[i] != TestServer.pattern(received + i)) {
                            throw new AssertionError("byte " + (received + i) + " differs");
                        }
                    }
                    received += n;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                writer.get(60, TimeUnit.SECONDS);
                assertEquals("[eof after " + total + " bytes]\n", readAll(in));
                System.out.printf("[measure] 100 MB echo through bascule: %.2f s, %.0f MB/s each way%n",
                        seconds, total / MB / seconds);
                assertEquals(0, proxy.stop());
            }
        }
    }

    @Test
    void balances_connections_round_robin_by_weight() throws Exception {
        try (TestServer a = TestServer.start(TestServer.named("a"));
             TestServer b = TestServer.start(TestServer.named("b"));
             TestServer c = TestServer.start(TestServer.named("c"))) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("rr", config("""
                    listen weighted
                        bind 127.0.0.1:%d
                        balance roundrobin
                        server a 127.0.0.1:%d weight 3
                        server b 127.0.0.1:%d weight 2
                        server c 127.0.0.1:%d weight 1
                    """.formatted(port, a.port(), b.port(), c.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                List<String> order = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    order.add(firstLine(port));
                }
                // HAProxy 2.6 serves 3:2:1 in this order too (bench/haproxy-ground-truth.py).
                assertEquals(List.of("a", "b", "a", "c", "a", "b", "a", "b", "a", "c", "a", "b"), order);
                assertEquals(0, proxy.stop());
            }
        }
    }

    @Test
    void passes_a_client_half_close_to_the_server_and_keeps_the_answer_flowing() throws Exception {
        try (TestServer echo = TestServer.start(TestServer.echo())) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("halfclose", config("""
                    listen echo
                        bind 127.0.0.1:%d
                        server e1 127.0.0.1:%d
                    """.formatted(port, echo.port())));
            try (Bascule proxy = Bascule.serve(cfg, port); Socket client = new Socket("127.0.0.1", port)) {
                client.setSoTimeout(10_000);
                client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                // The server only writes its report after it has seen our FIN through the proxy.
                assertEquals("hello[eof after 5 bytes]\n", readAll(client.getInputStream()));
            }
        }
    }

    @Test
    void closes_a_client_that_stays_idle_past_timeout_client() throws Exception {
        assertIdleSessionClosedAfterHalfASecond("timeout client 500ms", false);
    }

    @Test
    void closes_a_session_whose_server_stays_idle_past_timeout_server() throws Exception {
        assertIdleSessionClosedAfterHalfASecond("timeout server 500ms", true);
    }

    /** A session to a server that never answers is closed by the given 500 ms timeout, not earlier. */
    private static void assertIdleSessionClosedAfterHalfASecond(String timeout, boolean clientSendsFirst)
            throws Exception {
        try (TestServer silent = TestServer.start(TestServer.silent())) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("idle", config("""
                    listen quiet
                        bind 127.0.0.1:%d
                        %s
                        server s1 127.0.0.1:%d
                    """.formatted(port, timeout, silent.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                long ms = millisUntilClosed(port, clientSendsFirst);
                assertTrue(ms >= 400 && ms < 5000, "closed after " + ms + " ms, expected about 500 ms");
            }
        }
    }

    @Test
    void retries_then_redispatches_to_the_other_server_when_a_port_is_closed() throws Exception {
        int closedPort = Ports.free();
        try (TestServer alive = TestServer.start(TestServer.named("alive"))) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("redispatch", config("""
                    listen svc
                        bind 127.0.0.1:%d
                        retries 2
                        option redispatch
                        timeout connect 300ms
                        server dead 127.0.0.1:%d
                        server alive 127.0.0.1:%d
                    """.formatted(port, closedPort, alive.port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                for (int i = 0; i < 4; i++) {
                    assertEquals("alive", firstLine(port), "connection " + i);
                }
                assertEquals(4, alive.connections.get());
            }
        }
    }

    @Test
    void closes_the_client_when_every_retry_fails() throws Exception {
        int closedPort = Ports.free();
        int port = Ports.free();
        Path cfg = Bascule.writeConfig("noretry", config("""
                listen svc
                    bind 127.0.0.1:%d
                    retries 1
                    timeout connect 200ms
                    server dead 127.0.0.1:%d
                """.formatted(port, closedPort)));
        try (Bascule proxy = Bascule.serve(cfg, port); Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(10_000);
            assertEquals(-1, client.getInputStream().read());
            assertTrue(proxy.process.isAlive());
        }
    }

    @Test
    void holds_new_clients_at_maxconn_instead_of_refusing_them() throws Exception {
        try (TestServer echo = TestServer.start(TestServer.echo())) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("maxconn", config("""
                    listen echo
                        bind 127.0.0.1:%d
                        maxconn 2
                        server e1 127.0.0.1:%d
                    """.formatted(port, echo.port())));
            try (Bascule proxy = Bascule.serve(cfg, port);
                 Socket first = new Socket("127.0.0.1", port);
                 Socket second = new Socket("127.0.0.1", port)) {
                assertEquals("1", roundTrip(first, "1"));
                assertEquals("2", roundTrip(second, "2"));
                try (Socket third = new Socket("127.0.0.1", port)) {
                    third.getOutputStream().write('3');
                    third.setSoTimeout(1000);
                    assertThrows(SocketTimeoutException.class, () -> third.getInputStream().read(),
                            "a third client must wait while two sessions are open");
                    first.close();
                    third.setSoTimeout(10_000);
                    assertEquals('3', third.getInputStream().read(), "the third client is served once a slot frees");
                }
            }
        }
    }

    @Test
    void a_paused_reader_holds_back_a_1_GiB_stream_with_bounded_memory() throws Exception {
        long total = 1024 * MB;
        try (TestServer source = TestServer.start(TestServer.source(total))) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("backpressure", config("""
                    listen stream
                        bind 127.0.0.1:%d
                        server src 127.0.0.1:%d
                    """.formatted(port, source.port())));
            // If the proxy buffered what the client does not read, 1 GiB would not fit in these limits.
            Map<String, String> env = Map.of("JAVA_OPTS", "-Xmx64m -XX:MaxDirectMemorySize=32m");
            try (Bascule proxy = Bascule.serve(cfg, port, env); Socket client = new Socket("127.0.0.1", port)) {
                client.setSoTimeout(30_000);
                InputStream in = client.getInputStream();
                byte[] buf = new byte[64 * 1024];
                long received = 0;
                while (received < 16 * MB) {
                    received += Math.max(0, in.read(buf));
                }
                Thread.sleep(1000);
                long sentAfter1s = source.bytesSent.get();
                Thread.sleep(1000);
                long sentAfter2s = source.bytesSent.get();
                long inFlight = sentAfter2s - received;
                System.out.printf("[measure] paused reader: %d MB read, server blocked after %d MB (%d MB in "
                        + "socket buffers and the proxy)%n", received / MB, sentAfter2s / MB, inFlight / MB);
                assertTrue(sentAfter2s - sentAfter1s < MB, "the server kept writing while the client paused: "
                        + sentAfter1s + " -> " + sentAfter2s);
                assertTrue(inFlight < 48 * MB, inFlight / MB + " MB held between server and paused client");
                int n;
                while ((n = in.read(buf)) > 0) {
                    received += n;
                }
                assertEquals(total, received);
                assertTrue(proxy.process.isAlive());
                assertEquals(0, proxy.stop(), () -> "exit status; stderr:\n" + stderrOf(proxy));
            }
        }
    }

    private static String stderrOf(Bascule proxy) {
        try {
            return proxy.stderr();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void writePattern(Socket socket, long total) {
        try {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < total; sent += chunk.length) {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = TestServer.pattern(sent + i);
                }
                out.write(chunk);
            }
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String firstLine(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return line(s);
        }
    }

    /** The next line the server sends on {@code s} (a named test server says its name first). */
    static String line(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.write(c);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[text.length()];
        int off = 0;
        while (off < buf.length) {
            int n = s.getInputStream().read(buf, off, buf.length - off);
            assertTrue(n > 0);
            off += n;
        }
        return new String(buf, StandardCharsets.US_ASCII);
    }

    private static long millisUntilClosed(int port, boolean sendFirst) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            long start = System.nanoTime();
            if (sendFirst) {
                s.getOutputStream().write('x');
            }
            assertEquals(-1, s.getInputStream().read());
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
}
