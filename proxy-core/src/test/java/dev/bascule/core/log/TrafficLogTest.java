package dev.bascule.core.log;

import dev.bascule.config.model.LogTarget;
import dev.bascule.core.FrontendState;
import dev.bascule.core.stream.Loopback;
import dev.bascule.core.stream.Stream;
import dev.bascule.core.stream.Termination;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.bascule.core.stream.Loopback.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Lines as a real proxy sends them, read back from a UDP and a Unix datagram socket on loopback. */
class TrafficLogTest {
    private static final String PROCESS = "haproxy\\[\\d+\\]: ";

    private static String receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
    }

    private static String config(int port, int syslog, String more) {
        return "global\n    log 127.0.0.1:" + syslog + " local0\ndefaults\n    mode http\n    log global\n"
                + "    timeout client 5s\n    timeout server 5s\n    timeout connect 2s\n"
                + "frontend fe\n    bind 127.0.0.1:" + port + "\n" + more + "    default_backend be\n"
                + "backend be\n";
    }

    @Test
    void httplog_line_is_haproxys_with_captures_over_udp() throws Exception {
        int port = Loopback.freePort();
        try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Loopback.Backend web = new Loopback.Backend(0, "hello");
             Loopback proxy = new Loopback(config(port, syslog.getLocalPort(), "    option httplog\n"
                     + "    capture request header Host len 20\n    capture request header User-Agent len 5\n"
                     + "    capture response header Content-Type len 30\n")
                     + "    server s1 127.0.0.1:" + web.port() + "\n")) {
            syslog.setSoTimeout(5000);
            exchange(port, "GET /a?b=\"c\" HTTP/1.1\r\nHost: t\r\nUser-Agent: curl/8.0\r\nConnection: close\r\n\r\n");
            String line = receive(syslog);
            assertTrue(line.matches("<134>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d " + PROCESS
                    + "127\\.0\\.0\\.1:\\d+ \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] fe be/s1 "
                    + "\\d+/0/\\d+/\\d+/\\d+ 200 \\d+ - - ---- 1/1/0/0/0 0/0 \\{t\\|curl/\\} \\{[^}]*\\} "
                    + "\"GET /a\\?b=#22c#22 HTTP/1\\.1\"\n"), line);
        }
    }

    @Test
    void tcplog_and_refused_connection_with_separate_errors() throws Exception {
        int port = Loopback.freePort();
        int closed = Loopback.freePort();
        try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Loopback proxy = new Loopback(config(port, syslog.getLocalPort(), "    option httplog\n"
                     + "    option log-separate-errors\n") + "    retries 0\n    server s1 127.0.0.1:" + closed + "\n")) {
            syslog.setSoTimeout(5000);
            exchange(port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            String line = receive(syslog);
            assertTrue(line.startsWith("<131>"), line);
            assertTrue(line.matches(".* fe be/s1 \\d+/0/-1/-1/\\d+ 503 \\d+ - - SC-- 1/1/0/0/0 0/0 "
                    + "\"GET / HTTP/1.1\"\n"), line);
        }
    }

    @Test
    void custom_format_rfc5424_and_no_line_for_null_connections() throws Exception {
        int port = Loopback.freePort();
        try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Loopback.Backend web = new Loopback.Backend(0, "hello");
             Loopback proxy = new Loopback(config(port, syslog.getLocalPort(), "    no log\n    log 127.0.0.1:"
                     + "PORT format rfc5424 len 100 local2\n    option dontlognull\n    log-tag web\n"
                     + "    log-format \"%{+Q}o %ci %HM %HP %HQ %HV %ST %b %s %hr %[x]\"\n")
                     .replace("PORT", String.valueOf(0)) + "    server s1 127.0.0.1:" + web.port() + "\n")) {
            throw new AssertionError("an unknown fetch must be refused");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("failed to parse sample expression <x> : unknown fetch method "
                    + "'x'"), expected.getMessage());
        }
        try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Loopback.Backend web = new Loopback.Backend(0, "hello");
             Loopback proxy = new Loopback(config(port, syslog.getLocalPort(), "    no log\n    log 127.0.0.1:"
                     + syslog.getLocalPort() + " format rfc5424 local2\n    option dontlognull\n    log-tag web\n"
                     + "    log-format \"%{+Q}o %{-Q}ci %HM %HP %HQ %HV %ST %b %s %{-Q}[method,lower] %[srv_name] "
                     + "%[env(BASCULE_UNSET_IN_TESTS)] %{+Q}[src] %hr\"\n")
                     + "    server s1 127.0.0.1:" + web.port() + "\n")) {
            syslog.setSoTimeout(5000);
            Loopback.connect(port).close();
            exchange(port, "GET /x?y=1 HTTP/1.0\r\n\r\n");
            String line = receive(syslog);
            // The space before an empty %hr stays, as HAProxy leaves it (its clf lines end with one).
            assertTrue(line.matches("<150>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d - web \\d+ - - "
                    + "127\\.0\\.0\\.1 \"GET\" \"/x\" \"\\?y=1\" \"HTTP/1\\.0\" 200 \"be\" \"s1\" get \"s1\" \"\" \"127\\.0\\.0\\.1\" \n"), line);
        }
    }

    @Test
    void the_unique_id_goes_to_the_server_in_its_header_and_into_the_line() throws Exception {
        int port = Loopback.freePort();
        try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             ServerSocket web = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Loopback proxy = new Loopback(config(port, syslog.getLocalPort(), "    unique-id-format %{+X}o%ci:%cp_%rt\n"
                     + "    unique-id-header X-Unique-ID\n    log-format \"%ID %r\"\n")
                     + "    server s1 127.0.0.1:" + web.getLocalPort() + "\n")) {
            syslog.setSoTimeout(5000);
            web.setSoTimeout(5000);
            CompletableFuture<Answered> received = answerOnce(web, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                    CompletableFuture.completedFuture(null), "");
            exchange(port, "GET /u HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            Matcher sent = Pattern.compile("\r\nX-Unique-ID: (7F000001:[0-9A-F]{4}_[0-9A-F]{4})\r\n")
                    .matcher(received.get(5, TimeUnit.SECONDS).head());
            assertTrue(sent.find(), received.get().head());
            String line = receive(syslog);
            assertTrue(line.endsWith(": " + sent.group(1) + " GET /u HTTP/1.1\n"), line);
        }
    }

    /**
     * The level {@code http-request set-log-level} will set: it wins over the frontend's choice (err for a failure
     * with log-separate-errors), and {@code silent} sends nothing. Streams are ended here as a rule would leave them.
     */
    @Test
    void a_level_set_on_the_stream_wins_over_the_frontends_choice() throws Exception {
        int port = Loopback.freePort();
        try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Loopback.Backend web = new Loopback.Backend(0, "hello");
             // One event loop: the line of the request below opens the datagram channel a test thread writes to.
             Loopback proxy = new Loopback(config(port, syslog.getLocalPort(), "    option httplog\n"
                     + "    option log-separate-errors\n").replaceFirst("^global\n", "global\n    nbthread 1\n")
                     + "    server s1 127.0.0.1:" + web.port() + "\n")) {
            syslog.setSoTimeout(5000);
            exchange(port, "GET /first HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertTrue(receive(syslog).startsWith("<134>"));
            FrontendState fe = proxy.runtime.frontends().get(0);

            Stream failed = failedStream(fe, port, "/failed");
            failed.end();
            String line = receive(syslog);
            assertTrue(line.startsWith("<131>") && line.contains("/failed"), line);

            Stream noticed = failedStream(fe, port, "/noticed");
            noticed.logLevel(LogTarget.NOTICE);
            noticed.end();
            line = receive(syslog);
            assertTrue(line.startsWith("<133>") && line.contains("/noticed"), line);

            Stream silent = failedStream(fe, port, "/silent");
            silent.logLevel(LogTarget.ALERT);
            silent.notLogged();
            silent.end();
            Stream debug = failedStream(fe, port, "/debug");
            debug.logLevel(7);
            debug.end();
            // The next line is the debug one: nothing was sent for the silenced stream.
            line = receive(syslog);
            assertTrue(line.startsWith("<135>") && line.contains("/debug"), line);
        }
    }

    private static Stream failedStream(FrontendState fe, int port, String uri) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        Stream s = new Stream(fe, new InetSocketAddress(lo, 42424), new InetSocketAddress(lo, port), System.nanoTime());
        s.requestLine("GET", uri, "HTTP/1.1");
        s.terminate(Termination.Cause.SERVER_ABORT);
        return s;
    }

    /** What a server of {@link #answerOnce} received: the request head, and the port the proxy connected from. */
    private record Answered(String head, int port) {
    }

    /** A server that answers one connection with {@code head}, then {@code body} once {@code go} completes. */
    private static CompletableFuture<Answered> answerOnce(ServerSocket web, String head, CompletableFuture<?> go,
                                                          String body) {
        return CompletableFuture.supplyAsync(() -> {
            try (java.net.Socket c = web.accept()) {
                StringBuilder request = new StringBuilder();
                while (request.indexOf("\r\n\r\n") < 0) {
                    request.append((char) c.getInputStream().read());
                }
                c.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                c.getOutputStream().flush();
                go.get(5, TimeUnit.SECONDS);
                c.getOutputStream().write(body.getBytes(StandardCharsets.US_ASCII));
                return new Answered(request.toString(), c.getPort());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void captured_cookies_and_the_server_connections_source() throws Exception {
        int port = Loopback.freePort();
        try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             ServerSocket web = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Loopback proxy = new Loopback(config(port, syslog.getLocalPort(), "    capture cookie SESSION len 12\n"
                     + "    log-format \"%CC %CS %bi:%bp\"\n") + "    server s1 127.0.0.1:" + web.getLocalPort() + "\n")) {
            syslog.setSoTimeout(5000);
            web.setSoTimeout(5000);
            CompletableFuture<Answered> answered = answerOnce(web, "HTTP/1.1 200 OK\r\nSet-Cookie: other=1\r\n"
                    + "Set-Cookie: SESSION = srv42; Path=/\r\nContent-Length: 0\r\n\r\n",
                    CompletableFuture.completedFuture(null), "");
            exchange(port, "GET / HTTP/1.1\r\nHost: t\r\nCookie: x=1; SESSIONID=abcdefghijkl\r\n"
                    + "Connection: close\r\n\r\n");
            String line = receive(syslog);
            // Blanks around '=' are removed, as HAProxy rewrites them; both are cut at 12 characters.
            assertTrue(line.endsWith(": SESSIONID=ab SESSION=srv4 127.0.0.1:" + answered.get(5, TimeUnit.SECONDS).port()
                    + "\n"), line);
        }
    }

    @Test
    void logasap_writes_the_line_when_the_response_head_is_forwarded() throws Exception {
        int port = Loopback.freePort();
        try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             ServerSocket web = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Loopback proxy = new Loopback(config(port, syslog.getLocalPort(), "    option logasap\n"
                     + "    log-format \"%ST %B %U %Tt %Ta %ts %sc\"\n") + "    server s1 127.0.0.1:" + web.getLocalPort()
                     + "\n")) {
            syslog.setSoTimeout(5000);
            web.setSoTimeout(5000);
            String head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
            CompletableFuture<Object> body = new CompletableFuture<>();
            answerOnce(web, head, body, "hello");
            CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> {
                try {
                    return exchange(port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // The body is still held by the server: the line is about the head, the server session still open.
            String line = receive(syslog);
            assertTrue(line.matches(".*: 200 \\+\\d+ \\d+ \\+\\d+ \\+\\d+ -- 1\n"), line);
            body.complete(null);
            assertTrue(response.get(5, TimeUnit.SECONDS).endsWith("hello"));
            syslog.setSoTimeout(500);
            assertThrows(java.net.SocketTimeoutException.class, () -> receive(syslog), "one line per stream");
        }
    }

    @Test
    void unix_datagram_socket_and_len() throws Exception {
        assumeTrue(Epoll.isAvailable());
        Path dir = Files.createTempDirectory("bascule-log");
        Path sock = dir.resolve("log.sock");
        int port = Loopback.freePort();
        Socket receiver = Socket.newSocketDomainDgram();
        try {
            receiver.bind(new DomainSocketAddress(sock.toString()));
            try (Loopback.Backend web = new Loopback.Backend(0, "hello");
                 Loopback proxy = new Loopback(config(port, 9, "    no log\n    log " + sock + " len 80 local0\n"
                         + "    option httplog\n") + "    server s1 127.0.0.1:" + web.port() + "\n")) {
                exchange(port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                ByteBuffer buf = ByteBuffer.allocateDirect(4096);
                long deadline = System.nanoTime() + 5_000_000_000L;
                int n = 0;
                while (n == 0 && System.nanoTime() < deadline) {
                    n = receiver.recv(buf, 0, buf.capacity());
                    if (n == 0) {
                        Thread.sleep(10);
                    }
                }
                byte[] bytes = new byte[n];
                buf.get(0, bytes);
                String line = new String(bytes, StandardCharsets.ISO_8859_1);
                assertEquals(81, line.length(), line);
                assertTrue(line.startsWith("<134>") && line.endsWith("\n"), line);
                assertEquals(0, proxy.runtime.droppedLogs());
            }
        } finally {
            receiver.close();
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }
}
