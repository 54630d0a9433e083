package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server connections shared between clients as {@code http-reuse} says, counted at the server beside a real
 * HAProxy 2.6 doing the same; a server closing a kept connection just as a request goes out does not fail it;
 * idle connections are closed after {@code pool-purge-delay}.
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

    @Test
    void idle_server_connections_are_closed_after_pool_purge_delay() throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (TestServer app = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, seen))) {
            int port = Ports.free();
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("reuse-purge", config(port, app.port(), "safe")),
                    port)) {
                assertEquals(200, Curl.run("http://127.0.0.1:" + port + "/").status());
                Thread.sleep(2000);
                assertEquals(0, app.ended.get(), "kept idle for reuse");
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (app.ended.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(1, app.ended.get(), "closed by the purge, 5 to 10 s after it went idle");
            }
        }
    }
}
