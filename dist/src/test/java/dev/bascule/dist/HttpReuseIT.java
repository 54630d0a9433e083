package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server connections shared between clients as {@code http-reuse} says, counted at the server beside a real
 * HAProxy 2.6 doing the same; a server closing a kept connection just as a request goes out does not fail it;
 * clients idle between requests leave few idle server connections, which the purge closes every
 * {@code pool-purge-delay}, as HAProxy's do.
 */
class HttpReuseIT {
    /** One thread: idle connections are per event loop (HAProxy's threads may take each other's; ours not). */
    private static String config(int port, int server, String reuse) {
        return "global\n    nbthread 1\n" + HttpModeIT.config("""
                frontend www
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    http-reuse %s
                    server s1 127.0.0.1:%d
                """.formatted(port, reuse, server));
    }

    /** Client A sends two requests on one connection, then client B one on another: server connections used. */
    private static int connectionsFor(String reuse, boolean haproxy) throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (TestServer app = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, seen))) {
            int port = Ports.free();
            String cfg = config(port, app.port(), reuse);
            try (AutoCloseable proxy = haproxy ? HaproxyServer.start("reuse-" + reuse, cfg, port)
                    : Bascule.serve(Bascule.writeConfig("reuse-" + reuse, cfg), port)) {
                String url = "http://127.0.0.1:" + port;
                assertEquals("GET /a1 HTTP/1.1GET /a2 HTTP/1.1", Curl.output(10, url + "/a1", url + "/a2"));
                // Let client A's close reach the proxy before B arrives.
                Thread.sleep(200);
                assertEquals("GET /b HTTP/1.1", Curl.run(url + "/b").body());
                return app.connections.get();
            }
        }
    }

    @Test
    void each_reuse_mode_shares_server_connections_as_haproxy_does() throws Exception {
        for (String mode : new String[] {"never", "safe", "aggressive", "always"}) {
            int reference = connectionsFor(mode, true);
            assertEquals(reference, connectionsFor(mode, false), "http-reuse " + mode + ": server connections");
        }
        assertEquals(2, connectionsFor("safe", false), "safe: B's first request gets a connection of its own");
        assertEquals(1, connectionsFor("always", false), "always: B takes the connection A left idle");
    }

    @Test
    void a_kept_connection_the_server_closes_as_a_request_goes_out_is_retried_on_a_new_one() throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (TestServer oneEach = TestServer.start(TestServer.http(0, 1, seen))) {
            int port = Ports.free();
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("reuse-closed",
                    config(port, oneEach.port(), "safe")), port)) {
                String url = "http://127.0.0.1:" + port;
                String out = Curl.output(10, "-w", " %{http_code}\n", url + "/1", url + "/2", url + "/3");
                assertEquals("GET /1 HTTP/1.1 200\nGET /2 HTTP/1.1 200\nGET /3 HTTP/1.1 200\n", out);
                assertEquals(3, oneEach.connections.get(), "each later request went again on a new connection");
            }
        }
    }

    /**
     * {@code clients} keep-alive clients, one after another, each sends one request, reads its answer and stays
     * connected, idle. Returns the server connections open then, and the seconds until the proxy has closed the
     * last of them (its purge: pool-purge-delay), at most {@code 30}.
     */
    private static double[] idleClients(boolean haproxy, int clients) throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (TestServer app = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, seen))) {
            int port = Ports.free();
            // Timeouts past the test's 30 s: only the purge closes an idle server connection, nothing the clients.
            String cfg = config(port, app.port(), "safe").replace(" 10s", " 60s");
            List<Socket> idle = new ArrayList<>();
            try (AutoCloseable proxy = haproxy ? HaproxyServer.start("idle-clients", cfg, port)
                    : Bascule.serve(Bascule.writeConfig("idle-clients", cfg), port)) {
                for (int i = 0; i < clients; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    idle.add(s);
                    s.setSoTimeout(5000);
                    s.getOutputStream().write(("GET /c" + i + " HTTP/1.1\r\nHost: app\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    assertTrue(readResponse(s.getInputStream()).endsWith("\r\n\r\nGET /c" + i + " HTTP/1.1"),
                            "client " + i + " answered");
                }
                long idleSince = System.nanoTime();
                Thread.sleep(500);
                double open = app.connections.get() - app.ended.get();
                long deadline = idleSince + 30_000_000_000L;
                while (app.connections.get() > app.ended.get() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                double closedAfter = (System.nanoTime() - idleSince) / 1e9;
                return new double[] {open, closedAfter};
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }

    /** One response, framed by its Content-Length: the head and the body as text. */
    private static String readResponse(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                return head.toString();
            }
            head.append((char) b);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.US_ASCII);
    }

    @Test
    void idle_keep_alive_clients_hold_as_few_server_connections_as_with_haproxy() throws Exception {
        double[] reference = idleClients(true, 20);
        double[] bascule = idleClients(false, 20);
        assertEquals(reference[0], bascule[0], "server connections kept for 20 idle clients (HAProxy: "
                + reference[0] + ")");
        assertTrue(bascule[0] <= 2, "not one per idle client: " + bascule[0]);
        assertTrue(reference[1] < 30 && bascule[1] < 30, "closed by the purge: HAProxy after " + reference[1]
                + " s, Bascule after " + bascule[1] + " s");
        assertTrue(Math.abs(reference[1] - bascule[1]) < 3, "the purge closes the last idle connection when "
                + "HAProxy's does: HAProxy after " + reference[1] + " s, Bascule after " + bascule[1] + " s");
    }
}
