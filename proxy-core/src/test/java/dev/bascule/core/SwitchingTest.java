package dev.bascule.core;

import dev.bascule.core.stream.Loopback;
import dev.bascule.core.stream.Stream;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code use_backend} through the proxy: the backend chosen per HTTP request, and at the start of a TCP session. */
class SwitchingTest {
    private static String config(int port, int tcpPort, Loopback.Backend a, Loopback.Backend b, Loopback.Backend c,
                                 String rules) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 2s
                frontend fe
                    bind 127.0.0.1:%d
                    acl is_api path_beg /api
                    acl is_b hdr(host) -i b.example
                %s
                    default_backend be_a
                frontend tcp
                    mode tcp
                    bind 127.0.0.1:%d
                    use_backend tcp_c if { dst_port %d } !{ src 10.0.0.0/8 }
                    default_backend tcp_a
                backend be_a
                    server a 127.0.0.1:%d
                backend be_b
                    server b 127.0.0.1:%d
                backend be_c
                    server c 127.0.0.1:%d
                backend tcp_a
                    mode tcp
                    server a 127.0.0.1:%d
                backend tcp_c
                    mode tcp
                    server c 127.0.0.1:%d
                """.formatted(port, rules, tcpPort, tcpPort, a.port(), b.port(), c.port(), a.port(), c.port());
    }

    private static final String RULES = """
                use_backend be_c if is_api !is_b || { url_param(to) c }
                use_backend be_%[req.hdr(x-to),lower] if { req.hdr(x-to) -m found }
                use_backend be_b if is_b
            """;

    /** Sends one request on a kept-alive connection and reads its whole answer (Content-Length framed). */
    private static String request(Socket s, String target, String... headers) throws Exception {
        // A Host of the test's replaces the default one: two different Hosts are a 400.
        boolean host = java.util.Arrays.stream(headers).anyMatch(h -> h.regionMatches(true, 0, "Host:", 0, 5));
        StringBuilder r = new StringBuilder("GET " + target + " HTTP/1.1\r\n" + (host ? "" : "Host: a.example\r\n"));
        for (String h : headers) {
            r.append(h).append("\r\n");
        }
        Loopback.send(s, r.append("\r\n").toString());
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        int length = Integer.parseInt(head.toString().replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        return new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    @Test
    void each_request_of_a_connection_goes_where_the_rules_say() throws Exception {
        int port = Loopback.freePort();
        int tcp = Loopback.freePort();
        try (Loopback.Backend a = new Loopback.Backend(0, "A");
             Loopback.Backend b = new Loopback.Backend(0, "B");
             Loopback.Backend c = new Loopback.Backend(0, "C");
             Loopback proxy = new Loopback(config(port, tcp, a, b, c, RULES));
             Socket s = Loopback.connect(port)) {
            assertEquals("A", request(s, "/"), "no rule: the default backend");
            assertEquals("C", request(s, "/api/x"));
            assertEquals("A", request(s, "/"), "back to the default on the same connection");
            assertEquals("B", request(s, "/api/x", "Host: B.example"), "is_b negates the first rule; the third");
            assertEquals("C", request(s, "/x?to=c"));
            assertEquals("B", request(s, "/", "X-To: B"), "a name built from a sample");
            assertEquals("A", request(s, "/", "X-To: nope"), "a built name no backend has: the next rules");
            assertEquals("A", request(s, "/"));
            String[] expected = {"be_a", "be_c", "be_a", "be_b", "be_c", "be_b", "be_a", "be_a"};
            for (String name : expected) {
                Stream st = proxy.nextEnded();
                assertEquals(name, st.backend().name(), st.toString());
                assertEquals("--", st.termination().toString());
            }
        }
    }

    @Test
    void a_tcp_session_takes_its_backend_at_its_start() throws Exception {
        int port = Loopback.freePort();
        int tcp = Loopback.freePort();
        try (Loopback.Backend a = new Loopback.Backend(0, "A");
             Loopback.Backend b = new Loopback.Backend(0, "B");
             Loopback.Backend c = new Loopback.Backend(0, "C");
             Loopback proxy = new Loopback(config(port, tcp, a, b, c, RULES));
             Socket s = Loopback.connect(tcp)) {
            assertEquals("C", request(s, "/"));
            s.close();
            assertEquals("tcp_c", proxy.nextEnded().backend().name());
        }
    }

    @Test
    void a_reload_applies_new_rules_to_the_next_request() throws Exception {
        int port = Loopback.freePort();
        int tcp = Loopback.freePort();
        try (Loopback.Backend a = new Loopback.Backend(0, "A");
             Loopback.Backend b = new Loopback.Backend(0, "B");
             Loopback.Backend c = new Loopback.Backend(0, "C");
             Loopback proxy = new Loopback(config(port, tcp, a, b, c, RULES));
             Socket s = Loopback.connect(port)) {
            assertEquals("C", request(s, "/api/x"));
            String same = proxy.runtime.reload(Loopback.parse(config(port, tcp, a, b, c, "\n" + RULES)));
            assertTrue(same.contains("no change"), same);
            String changed = proxy.runtime.reload(Loopback.parse(config(port, tcp, a, b, c,
                    "    use_backend be_b if is_api\n")));
            assertTrue(changed.contains("use_backend"), changed);
            assertEquals("C", request(s, "/api/x"), "this stream began when the last ended, before the reload: on the "
                    + "generation current then");
            assertEquals("B", request(s, "/api/x"), "the kept-alive connection's next stream follows the new rules");
        }
    }
}
