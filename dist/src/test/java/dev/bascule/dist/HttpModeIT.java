package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A `mode http` web pool as the seed configs run it: real nginx servers, real curl, raw sockets for the
 * requests an attacker would send. Bascule balances each request, adds X-Forwarded-For, reuses server
 * connections, answers errors with HAProxy's statuses, and stays up whatever arrives.
 */
class HttpModeIT {
    /** A config with HTTP defaults (mode http, 2 s connect, 10 s client and server timeouts) and {@code body}. */
    static String config(String body) {
        return """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                """ + body;
    }

    @Test
    void a_web_pool_balances_requests_and_tells_servers_who_the_client_is() throws Exception {
        try (NginxServer a = NginxServer.start("web-a"); NginxServer b = NginxServer.start("web-b")) {
            int port = Ports.free();
            int excepted = Ports.free();
            Path cfg = Bascule.writeConfig("http-pool", config("""
                    frontend www
                        bind 127.0.0.1:%d
                        option forwardfor
                        option originalto
                        default_backend pool
                    frontend internal
                        bind 127.0.0.1:%d
                        option forwardfor except 127.0.0.0/8
                        default_backend pool
                    backend pool
                        balance roundrobin
                        server a 127.0.0.1:%d
                        server b 127.0.0.1:%d
                    """.formatted(port, excepted, a.port, b.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String url = "http://127.0.0.1:" + port;
                StringBuilder seen = new StringBuilder();
                for (int i = 0; i < 4; i++) {
                    seen.append(Curl.run(url + "/").body().trim()).append(' ');
                }
                assertEquals("web-a web-b web-a web-b ", seen.toString());
                assertEquals("127.0.0.1", Curl.run(url + "/xff").body().trim());
                // HEAD: the answer has the Content-Length of a GET and no body; the next request still works.
                Curl.Reply head = Curl.run("-I", url + "/", url + "/xff");
                assertEquals(200, head.status());
                assertTrue(head.headers().toLowerCase().contains("content-length: 6"), head.headers());
                assertEquals("10.1.2.3, 127.0.0.1",
                        Curl.run("-H", "X-Forwarded-For: 10.1.2.3", url + "/xff").body().trim());
                assertEquals("", Curl.run("http://127.0.0.1:" + excepted + "/xff").body().trim());
                assertEquals("127.0.0.1", Curl.run(url + "/orig").body().trim());
                assertEquals("", Curl.run("http://127.0.0.1:" + excepted + "/orig").body().trim());
            }
        }
    }

    @Test
    void keep_alive_reuses_server_connections_across_balancing_and_server_close_does_not() throws Exception {
        try (NginxServer web = NginxServer.start("web-ka"); NginxServer other = NginxServer.start("web-kb")) {
            int port = Ports.free();
            int serverClose = Ports.free();
            Path cfg = Bascule.writeConfig("http-keepalive", config("""
                    listen reuse
                        bind 127.0.0.1:%d
                        server web 127.0.0.1:%d
                        server other 127.0.0.1:%d
                    listen close
                        bind 127.0.0.1:%d
                        option http-server-close
                        server web 127.0.0.1:%d
                    """.formatted(port, web.port, other.port, serverClose, web.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                // Requests alternate between the servers; each server's connection is taken again.
                String[] reused = requestsOnOneConnection(port, 4);
                assertTrue(reused[0].startsWith("web-ka ") && reused[1].startsWith("web-kb "), String.join("|", reused));
                assertEquals(reused[0], reused[2], "web-ka should see one connection");
                assertEquals(reused[1], reused[3], "web-kb should see one connection");
                String[] separate = requestsOnOneConnection(serverClose, 2);
                assertNotEquals(separate[0], separate[1], "http-server-close opens a server connection per request");
            }
        }
    }

    /** Requests over one client connection; returns "server-name connection-serial" for each. */
    private static String[] requestsOnOneConnection(int port, int count) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            String[] serials = new String[count];
            for (int i = 0; i < count; i++) {
                s.getOutputStream().write("GET /conn HTTP/1.1\r\nHost: www\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String reply = readResponse(s.getInputStream());
                assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
                serials[i] = reply.substring(reply.indexOf("\r\n\r\n") + 4).trim();
            }
            return serials;
        }
    }

    @Test
    void errors_come_with_haproxy_statuses_and_monitor_uri_answers_locally() throws Exception {
        try (TestServer garbage = TestServer.start(TestServer.reply(() -> "this is not HTTP"));
             TestServer silent = TestServer.start(TestServer.silent())) {
            int port = Ports.free();
            int closed = Ports.free();
            int invalid = Ports.free();
            int slow = Ports.free();
            int maint = Ports.free();
            Path page = Bascule.workDir("http-errors").resolve("503.http");
            Files.writeString(page, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                    + "X-Maintenance: yes\r\n\r\nBack soon.\n");
            Path cfg = Bascule.writeConfig("http-errors", config("""
                    frontend www
                        bind 127.0.0.1:%d
                        monitor-uri /alive
                        default_backend nothing
                    backend nothing
                        retries 0
                        server gone 127.0.0.1:%d
                    listen invalid
                        bind 127.0.0.1:%d
                        server garbage 127.0.0.1:%d
                    listen slow
                        bind 127.0.0.1:%d
                        timeout server 500ms
                        server silent 127.0.0.1:%d
                    listen maint
                        bind 127.0.0.1:%d
                        retries 0
                        errorfile 503 %s
                        server gone 127.0.0.1:%d
                    """.formatted(port, closed, invalid, garbage.port(), slow, silent.port(), maint, page, closed)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                Curl.Reply alive = Curl.run("http://127.0.0.1:" + port + "/alive");
                assertEquals(200, alive.status());
                assertTrue(alive.body().contains("Service ready."), alive.body());
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(5000);
                    for (int i = 0; i < 2; i++) {
                        s.getOutputStream().write(ascii("GET /alive HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
                        String reply = readResponse(s.getInputStream());
                        assertTrue(reply.startsWith("HTTP/1.1 200") && reply.toLowerCase().contains(
                                "connection: keep-alive"), "an HTTP/1.0 client kept alive is told so: " + reply);
                    }
                }
                Curl.Reply unavailable = Curl.run("http://127.0.0.1:" + port + "/");
                assertEquals(503, unavailable.status());
                assertTrue(unavailable.body().contains("No server is available to handle this request."));
                assertEquals(502, Curl.run("http://127.0.0.1:" + invalid + "/").status());
                assertEquals(504, Curl.run("http://127.0.0.1:" + slow + "/").status());
                Curl.Reply custom = Curl.run("http://127.0.0.1:" + maint + "/");
                assertEquals(503, custom.status());
                assertEquals("Back soon.\n", custom.body());
                assertTrue(custom.headers().toLowerCase().contains("x-maintenance: yes"), custom.headers());
            }
        }
    }

    @Test
    void malformed_and_smuggling_requests_are_refused_and_the_proxy_lives_on() throws Exception {
        try (NginxServer web = NginxServer.start("web-hard")) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("http-hardening", config("""
                    listen www
                        bind 127.0.0.1:%d
                        server web 127.0.0.1:%d
                    """.formatted(port, web.port)));
            String longUri = "/" + "a".repeat(17000);
            String longHeader = "X-Big: " + "b".repeat(17000) + "\r\n";
            Map<String, Integer> vectors = new LinkedHashMap<>();
            vectors.put("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400);
            vectors.put("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 400);
            vectors.put("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n", 400);
            vectors.put("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", 400);
            vectors.put("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400);
            vectors.put("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", 400);
            vectors.put("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 400);
            vectors.put("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", 400);
            vectors.put("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400);
            vectors.put("GET / HTTP/1.1\r\nHost: a\r\n" + "X-Many: 1\r\n".repeat(101) + "\r\n", 400);
            vectors.put("GET " + longUri + " HTTP/1.1\r\nHost: a\r\n\r\n", 414);
            vectors.put("GET / HTTP/1.1\r\nHost: a\r\n" + longHeader + "\r\n", 431);
            // Transfer-Encoding wins over Content-Length; the connection is closed after the response.
            vectors.put("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n", 200);
            // obs-fold: a proxy may replace it with spaces (RFC 9112 section 5.2), which Netty's decoder does.
            vectors.put("GET / HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\nConnection: close\r\n\r\n", 200);
            // An absolute-form request target is valid HTTP/1.1 and is forwarded.
            vectors.put("GET http://www.example.test/ HTTP/1.1\r\nHost: www.example.test\r\nConnection: close\r\n\r\n",
                    200);
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                assertEquals("web-hard", Curl.run("http://127.0.0.1:" + port + "/").body().trim());
                Thread.sleep(300);
                long socketsBefore = sockets(proxy.pid());
                for (Map.Entry<String, Integer> v : vectors.entrySet()) {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoTimeout(5000);
                        s.getOutputStream().write(v.getKey().getBytes(StandardCharsets.ISO_8859_1));
                        String reply = readAll(s.getInputStream());
                        String shown = v.getKey().length() > 120 ? v.getKey().substring(0, 120) + "..." : v.getKey();
                        assertTrue(reply.startsWith("HTTP/1.1 " + v.getValue() + " "),
                                "request " + shown.replace("\r\n", "\\r\\n") + " got " + reply);
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (sockets(proxy.pid()) > socketsBefore && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(sockets(proxy.pid()) <= socketsBefore, "sockets leaked: " + socketsBefore + " before, "
                        + sockets(proxy.pid()) + " after");
                assertEquals("web-hard", Curl.run("http://127.0.0.1:" + port + "/").body().trim());
            }
        }
    }

    /** The sockets a process holds open, from /proc. */
    private static long sockets(long pid) throws Exception {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (Exception e) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void a_websocket_upgrade_turns_the_connection_into_a_tunnel_under_timeout_tunnel() throws Exception {
        TestServer.Behaviour upgrade = (socket, server) -> {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    return;
                }
                head.append((char) c);
            }
            socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            TestServer.echo().serve(socket, server);
        };
        try (TestServer ws = TestServer.start(upgrade)) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("http-websocket", config("""
                    listen www
                        bind 127.0.0.1:%d
                        timeout tunnel 500ms
                        server ws 127.0.0.1:%d
                    """.formatted(port, ws.port())));
            try (Bascule proxy = Bascule.serve(cfg, port); Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    head.append((char) in.read());
                }
                assertTrue(head.toString().startsWith("HTTP/1.1 101 "), head.toString());
                // From here on bytes are not HTTP: they must come back untouched.
                byte[] frame = "\u0081\u0004ping not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
                s.getOutputStream().write(frame);
                byte[] echoed = in.readNBytes(frame.length);
                assertEquals(new String(frame, StandardCharsets.ISO_8859_1), new String(echoed, StandardCharsets.ISO_8859_1));
                // timeout tunnel (500 ms), not timeout client (10 s), now bounds an idle tunnel.
                assertEquals(-1, in.read());
            }
        }
    }

    @Test
    void a_server_sending_two_responses_to_one_request_gets_only_the_first_through() throws Exception {
        String twice = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
                + "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond";
        try (TestServer server = TestServer.start(TestServer.reply(() -> twice))) {
            int port = Ports.free();
            Path cfg = oneServer("http-two-responses", port, server.port());
            try (Bascule proxy = Bascule.serve(cfg, port); Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                for (int i = 0; i < 2; i++) {
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    String reply = readResponse(s.getInputStream());
                    assertTrue(reply.endsWith("\r\n\r\nfirst"), "request " + i + " got " + reply);
                }
            }
        }
    }

    /**
     * A server answering by path: a chunked body sent in pieces with a trailer, a HEAD answer announcing a body
     * it does not send, a 100 Continue before its answer, and an HTTP/1.0 body that only its close ends.
     */
    private static TestServer.Behaviour framings() {
        return (socket, server) -> {
            InputStream in = socket.getInputStream();
            var out = socket.getOutputStream();
            for (String head; (head = readHead(in)) != null; ) {
                String path = head.split(" ")[1];
                switch (path) {
                    case "/chunked" -> {
                        out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"));
                        for (String piece : new String[] {"5\r\nhello\r\n", "7;x=y\r\n, world\r\n", "0\r\nX-T: 1\r\n\r\n"}) {
                            out.flush();
                            sleep(30);
                            out.write(ascii(piece));
                        }
                    }
                    case "/head" -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"));
                    case "/continue" -> {
                        out.write(ascii("HTTP/1.1 100 Continue\r\n\r\n"));
                        out.flush();
                        sleep(30);
                        out.write(ascii("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"));
                    }
                    default -> {
                        out.write(ascii("HTTP/1.0 200 OK\r\n\r\nuntil the server closes"));
                        out.flush();
                        return;
                    }
                }
                out.flush();
            }
        };
    }

    @Test
    void responses_reach_the_client_framed_as_the_server_framed_them() throws Exception {
        try (TestServer server = TestServer.start(framings())) {
            int port = Ports.free();
            Path cfg = oneServer("http-framings", port, server.port());
            try (Bascule proxy = Bascule.serve(cfg, port); Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                s.getOutputStream().write(ascii("GET /chunked HTTP/1.1\r\nHost: a\r\n\r\n"));
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n") && head.contains("Transfer-Encoding: chunked"), head);
                assertTrue(!head.toLowerCase().contains("connection:"), "keep-alive is HTTP/1.1's default: " + head);
                String body = "5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\nX-T: 1\r\n\r\n";
                assertEquals(body, new String(in.readNBytes(body.length()), StandardCharsets.ISO_8859_1));

                s.getOutputStream().write(ascii("HEAD /head HTTP/1.1\r\nHost: a\r\n\r\n"));
                assertTrue(readHead(in).contains("Content-Length: 1000"));

                s.getOutputStream().write(ascii("POST /continue HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"));
                assertEquals("HTTP/1.1 100 Continue\r\n\r\n", readHead(in), "the HEAD answer had no body");
                assertTrue(readHead(in).startsWith("HTTP/1.1 201 Created"));
                assertEquals("ok", new String(in.readNBytes(2), StandardCharsets.ISO_8859_1));

                s.getOutputStream().write(ascii("GET /old HTTP/1.1\r\nHost: a\r\n\r\n"));
                head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.0 200 OK\r\n"), head);
                assertEquals("until the server closes", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1),
                        "a body delimited by the server's close ends with the client connection");
            }
        }
    }

    /** A config of one {@code listen} section on {@code port} with one server. */
    private static Path oneServer(String name, int port, int serverPort) throws java.io.IOException {
        return Bascule.writeConfig(name, config("""
                listen www
                    bind 127.0.0.1:%d
                    server s1 127.0.0.1:%d
                """.formatted(port, serverPort)));
    }

    /** A message head up to its blank line, or null at the end of the stream. */
    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            head.append((char) c);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                return head.toString();
            }
        }
        return null;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void slow_request_heads_get_408_and_silent_kept_alive_clients_are_closed() throws Exception {
        try (NginxServer web = NginxServer.start("web-slow")) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("http-timeouts", config("""
                    listen www
                        bind 127.0.0.1:%d
                        timeout http-request 500ms
                        timeout http-keep-alive 300ms
                        server web 127.0.0.1:%d
                    """.formatted(port, web.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                try (Socket slowloris = new Socket("127.0.0.1", port)) {
                    slowloris.setSoTimeout(5000);
                    slowloris.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertTrue(readAll(slowloris.getInputStream()).startsWith("HTTP/1.1 408 "));
                }
                try (Socket mute = new Socket("127.0.0.1", port)) {
                    mute.setSoTimeout(5000);
                    assertTrue(readAll(mute.getInputStream()).startsWith("HTTP/1.1 408 "));
                }
                try (Socket kept = new Socket("127.0.0.1", port)) {
                    kept.setSoTimeout(5000);
                    kept.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertTrue(readResponse(kept.getInputStream()).endsWith("web-slow\n"));
                    assertEquals("", readAll(kept.getInputStream()), "closed without a response after keep-alive");
                }
            }
        }
    }

    @Test
    void pipelined_requests_are_answered_in_order_and_http_1_0_clients_are_served() throws Exception {
        try (NginxServer web = NginxServer.start("web-pipe")) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("http-pipeline", config("""
                    listen www
                        bind 127.0.0.1:%d
                        option forwardfor
                        server web 127.0.0.1:%d
                    """.formatted(port, web.port)));
            try (Bascule proxy = Bascule.serve(cfg, port); Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                StringBuilder burst = new StringBuilder();
                for (int i = 1; i <= 3; i++) {
                    burst.append("GET /xff HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 10.0.0.").append(i).append("\r\n\r\n");
                }
                s.getOutputStream().write(burst.toString().getBytes(StandardCharsets.US_ASCII));
                for (int i = 1; i <= 3; i++) {
                    String reply = readResponse(s.getInputStream());
                    assertTrue(reply.endsWith("10.0.0." + i + ", 127.0.0.1\n"), reply);
                }
                Curl.Reply old = Curl.run("--http1.0", "http://127.0.0.1:" + port + "/");
                assertEquals(200, old.status());
                assertEquals("web-pipe", old.body().trim());
            }
        }
    }

    /**
     * A request the proxy answers itself and closes on (503 without a backend, monitor-uri with Connection:
     * close) while more pipelined requests came in the same read: their heads and bodies are released, which
     * Netty's leak detector (paranoid, and garbage collections forced) would report otherwise.
     */
    @Test
    void requests_pipelined_after_a_local_answer_that_closes_leave_no_buffer_behind() throws Exception {
        int port = Ports.free();
        Path cfg = Bascule.writeConfig("http-leaks", config("""
                frontend nobackend
                    bind 127.0.0.1:%d
                    monitor-uri /alive
                """.formatted(port)));
        String next = "POST /next HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
        java.util.List<String> requests = java.util.List.of(
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello" + next,
                "GET /alive HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + next);
        try (Bascule proxy = Bascule.serve(cfg, port,
                Map.of("JAVA_OPTS", "-Xmx256m -Dio.netty.leakDetection.level=paranoid"))) {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 10; i++) {
                    for (String request : requests) {
                        try (Socket s = new Socket("127.0.0.1", port)) {
                            s.setSoTimeout(5000);
                            s.getOutputStream().write(ascii(request));
                            String reply = readAll(s.getInputStream());
                            assertTrue(reply.startsWith("HTTP/1.1 503 ") || reply.startsWith("HTTP/1.1 200 "), reply);
                        }
                    }
                }
                // The detector reports a buffer collected unreleased when a later one is allocated.
                Process gc = new ProcessBuilder(jcmd, Long.toString(proxy.pid()), "GC.run").redirectErrorStream(true)
                        .start();
                gc.getInputStream().readAllBytes();
                assertEquals(0, gc.waitFor());
            }
            assertTrue(!proxy.stderr().contains("LEAK:"), proxy.stderr());
        }
    }

    /**
     * A keep-alive client that half-closes (sends its FIN) gets the answers to what it sent, then the proxy
     * closes at once: the connection does not linger until timeout client (10 s here; the read times out at 5).
     */
    @Test
    void a_client_that_half_closes_gets_its_answers_then_the_connection_ends() throws Exception {
        try (NginxServer web = NginxServer.start("web-fin")) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("http-fin", config("""
                    listen www
                        bind 127.0.0.1:%d
                        server web 127.0.0.1:%d
                    """.formatted(port, web.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                try (Socket idle = new Socket("127.0.0.1", port)) {
                    idle.setSoTimeout(5000);
                    idle.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertTrue(readResponse(idle.getInputStream()).endsWith("web-fin\n"));
                    idle.shutdownOutput();
                    assertEquals("", readAll(idle.getInputStream()), "closed between requests");
                }
                try (Socket pipelined = new Socket("127.0.0.1", port)) {
                    pipelined.setSoTimeout(5000);
                    pipelined.getOutputStream().write(("GET / HTTP/1.1\r\nHost: a\r\n\r\n"
                            + "GET /xff HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    pipelined.shutdownOutput();
                    String both = readAll(pipelined.getInputStream());
                    assertEquals(2, both.split("HTTP/1.1 200", -1).length - 1, both);
                }
            }
        }
    }

    /** Reads until the server closes: every refused request must end its connection. */
    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        try {
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection left open after: " + out.toString(StandardCharsets.ISO_8859_1));
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** One response with a Content-Length body. */
    private static String readResponse(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            out.write(c);
            String text = out.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end > 0 && length < 0) {
                String lower = text.toLowerCase();
                int cl = lower.indexOf("content-length:");
                length = Integer.parseInt(lower.substring(cl + 15, lower.indexOf("\r\n", cl)).trim());
            }
            if (end > 0 && text.length() == end + 4 + length) {
                return text;
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
