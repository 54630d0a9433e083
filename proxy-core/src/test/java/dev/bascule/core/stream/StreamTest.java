package dev.bascule.core.stream;

import dev.bascule.core.BackendState;
import dev.bascule.core.PhaseTimes;
import org.junit.jupiter.api.Test;

import java.net.Socket;

import static dev.bascule.core.stream.Loopback.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each HTTP request and TCP session is one stream, ended once with its server, status, bytes, phase times and
 * HAProxy's termination letters; driven through real loopback sockets into a proxy started in-process.
 */
class StreamTest {
    private static final String GET = "GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

    private static String http(int port, String backendBody) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 600ms
                    timeout http-request 500ms
                    timeout queue 300ms
                frontend fe
                    bind 127.0.0.1:%d
                    default_backend be
                backend be
                %s
                """.formatted(port, backendBody);
    }

    @Test
    void a_forwarded_request_is_one_stream_with_its_server_bytes_times_and_a_normal_end() throws Exception {
        int port = Loopback.freePort();
        try (Loopback.Backend web = new Loopback.Backend(50, "hello");
             Loopback proxy = new Loopback(http(port, "    server s1 127.0.0.1:" + web.port()))) {
            String reply = exchange(port, GET);
            assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
            Stream s = proxy.nextEnded();
            assertEquals("--", s.termination().toString());
            assertEquals("fe", s.frontend().name());
            assertEquals("be", s.backend().name());
            assertEquals("s1", s.server().name());
            assertEquals(200, s.status());
            assertEquals(GET.length(), s.bytesIn(), "the request head as it came");
            assertEquals(reply.length(), s.bytesOut(), "the response as the client got it");
            assertEquals(0, s.queueMillis());
            assertTrue(s.connectMillis() >= 0 && s.requestMillis() >= 0, s.toString());
            assertTrue(s.responseMillis() >= 40, "the server took 50 ms: " + s.responseMillis());
            assertTrue(s.totalMillis() >= s.responseMillis() && s.activeMillis() <= s.totalMillis());
            assertEquals(GET.length(), proxy.runtime.backend("be").servers().get(0).bytesIn(),
                    "the server's bin counts the head in HTTP mode too");
            // What the stats count of it, at its end: a 2xx on each level, one connection, its phase times.
            BackendState be = proxy.runtime.backend("be");
            assertEquals(1, proxy.runtime.frontends().get(0).http().responses(1));
            assertEquals(1, be.http().responses(1));
            assertEquals(1, be.servers().get(0).http().requests(), "the server's req_tot");
            assertEquals(1, be.counters().connectAttempts());
            assertEquals(1, be.servers().get(0).counters().connectAttempts());
            assertEquals(s.responseMillis(), be.phaseTimes().max(PhaseTimes.Phase.RESPONSE));
            assertEquals(s.responseMillis(), be.phaseTimes().average(PhaseTimes.Phase.RESPONSE, 1));
            assertEquals(s.totalMillis(), be.servers().get(0).phaseTimes().max(PhaseTimes.Phase.TOTAL));
        }
    }

    @Test
    void kept_alive_requests_are_one_stream_each_and_an_idle_close_adds_none() throws Exception {
        int port = Loopback.freePort();
        try (Loopback.Backend web = new Loopback.Backend(0, "ok");
             Loopback proxy = new Loopback(http(port, "    server s1 127.0.0.1:" + web.port()))) {
            try (Socket c = Loopback.connect(port)) {
                for (int i = 0; i < 3; i++) {
                    Loopback.send(c, "GET /" + i + " HTTP/1.1\r\nHost: t\r\n\r\n");
                    assertEquals("--", proxy.nextEnded().termination().toString());
                }
            }
            assertTrue(proxy.quietFor(300), "closing between requests ends no stream");
        }
    }

    @Test
    void a_refused_connection_is_SC_with_503() throws Exception {
        int port = Loopback.freePort();
        int closed = Loopback.freePort();
        try (Loopback proxy = new Loopback(http(port, "    retries 0\n    server s1 127.0.0.1:" + closed))) {
            assertTrue(exchange(port, GET).startsWith("HTTP/1.1 503"));
            Stream s = proxy.nextEnded();
            assertEquals("SC", s.termination().toString());
            assertEquals(503, s.status());
            assertEquals(-1, s.connectMillis());
            BackendState be = proxy.runtime.backend("be");
            assertEquals(1, be.http().responses(4), "the proxy's own 503 counts on the backend, as in HAProxy");
            assertEquals(1, be.servers().get(0).connectionErrors());
            assertEquals(0, be.counters().connectionErrors(), "the server's error, not the backend's own");
            assertEquals(0, be.phaseTimes().max(PhaseTimes.Phase.TOTAL), "not connected: no time sample");
        }
    }

    @Test
    void a_server_slower_than_timeout_server_is_sH_with_504() throws Exception {
        int port = Loopback.freePort();
        try (Loopback.Backend slow = new Loopback.Backend(2000, "late");
             Loopback proxy = new Loopback(http(port, "    server s1 127.0.0.1:" + slow.port()))) {
            assertTrue(exchange(port, GET).startsWith("HTTP/1.1 504"));
            Stream s = proxy.nextEnded();
            assertEquals("sH", s.termination().toString());
            assertEquals(-1, s.responseMillis());
            assertEquals(1, proxy.runtime.backend("be").counters().invalidResponses(), "eresp");
            assertEquals(1, proxy.runtime.backend("be").servers().get(0).counters().invalidResponses());
            assertEquals(0, proxy.runtime.backend("be").counters().serverAborts(), "not in the data phase");
        }
    }

    @Test
    void a_head_that_does_not_complete_is_cR_with_408_and_an_invalid_one_PR_with_400() throws Exception {
        int port = Loopback.freePort();
        try (Loopback.Backend web = new Loopback.Backend(0, "ok");
             Loopback proxy = new Loopback(http(port, "    server s1 127.0.0.1:" + web.port()))) {
            assertTrue(exchange(port, "GET / HTTP/1.1\r\nHost:").startsWith("HTTP/1.1 408"));
            Stream timedOut = proxy.nextEnded();
            assertEquals("cR", timedOut.termination().toString());
            assertEquals(408, timedOut.status());
            assertNull(timedOut.server());
            assertTrue(exchange(port, "GET / HTTP/1.1\r\nBad Header\r\n\r\n").startsWith("HTTP/1.1 400"));
            assertEquals("PR", proxy.nextEnded().termination().toString());
            assertEquals(2, proxy.runtime.frontends().get(0).counters().invalidRequests(), "ereq: the 408 and the 400");
        }
    }

    @Test
    void a_client_that_leaves_while_queued_is_CQ_and_one_that_waits_too_long_sQ() throws Exception {
        int port = Loopback.freePort();
        try (Loopback.Backend slow = new Loopback.Backend(1000, "busy");
             Loopback proxy = new Loopback(http(port, "    timeout server 3s\n    server s1 127.0.0.1:" + slow.port()
                     + " maxconn 1"))) {
            try (Socket holder = Loopback.connect(port)) {
                Loopback.send(holder, GET);
                Thread.sleep(100);
                try (Socket leaver = Loopback.connect(port)) {
                    Loopback.send(leaver, GET);
                    Thread.sleep(100);
                    // A reset: a FIN alone would leave the request queued, as in HAProxy without abortonclose.
                    leaver.setSoLinger(true, 0);
                }
                Stream left = proxy.nextEnded();
                assertEquals("CQ", left.termination().toString());
                assertTrue(exchange(port, GET).startsWith("HTTP/1.1 503"), "timeout queue");
                Stream waited = proxy.nextEnded();
                assertEquals("sQ", waited.termination().toString());
                assertEquals(1, proxy.runtime.backend("be").counters().connectionErrors(), "timeout queue: econ");
                assertTrue(waited.queueMillis() >= 250, "waited " + waited.queueMillis() + " ms of 300");
                assertTrue(Loopback.readAll(holder).startsWith("HTTP/1.1 200"));
                assertEquals("--", proxy.nextEnded().termination().toString());
            }
        }
    }

    @Test
    void a_tcp_session_is_one_stream_with_its_bytes_and_its_timeout_side() throws Exception {
        int port = Loopback.freePort();
        try (Loopback.Backend web = new Loopback.Backend(0, "pong");
             Loopback proxy = new Loopback("""
                     defaults
                         mode tcp
                         timeout connect 1s
                         timeout client 400ms
                         timeout server 5s
                     listen tcp
                         bind 127.0.0.1:%d
                         server s1 127.0.0.1:%d
                     """.formatted(port, web.port()))) {
            try (Socket c = Loopback.connect(port)) {
                Loopback.send(c, GET);
                String reply = Loopback.readAll(c);
                assertTrue(reply.endsWith("pong"), reply);
                Stream s = proxy.nextEnded();
                assertEquals("cD", s.termination().toString(), "timeout client is the shorter: the client's");
                assertEquals(GET.length(), s.bytesIn());
                assertEquals(reply.length(), s.bytesOut());
                assertEquals("s1", s.server().name());
                assertTrue(s.totalMillis() >= 400);
            }
        }
    }
}
