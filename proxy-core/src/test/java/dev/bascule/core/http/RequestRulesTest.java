package dev.bascule.core.http;

import dev.bascule.core.stream.Loopback;
import dev.bascule.core.stream.Loopback.OneRequestServer;
import dev.bascule.core.stream.Stream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code http-request} rules and {@code redirect} through the proxy: answers, termination letters, edited heads. */
class RequestRulesTest {
    /** A server answering each connection's one request with the request head it got, as its body. */
    private static OneRequestServer echo() throws IOException {
        return new OneRequestServer((head, in) -> OneRequestServer.ok(head));
    }

    private static String config(int port, int echo) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 2s
                frontend fe
                    bind 127.0.0.1:%d
                    acl admin path_beg /admin
                    http-request deny if admin !{ src 10.0.0.0/8 } { hdr(x-deny) -m found }
                    http-request deny deny_status 429 if { path /slow }
                    http-request return status 200 content-type text/plain string pong if { path /ping }
                    redirect prefix https://new.example code 301 if { hdr(host) -i old.example }
                    http-request redirect location /login if { path /private } !{ cook(sid) -m found }
                    http-request allow if { path /allowed }
                    http-request set-header X-Host %%[req.hdr(host),lower]
                    http-request add-header X-Via bascule
                    http-request del-header X-Secret
                    http-request deny if { path /allowed2 }
                    default_backend be
                backend be
                    server s 127.0.0.1:%d
                """.formatted(port, echo);
    }

    @Test
    void rules_answer_edit_or_let_go() throws Exception {
        int port = Loopback.freePort();
        try (OneRequestServer echo = echo(); Loopback proxy = new Loopback(config(port, echo.port()))) {
            String denied = Loopback.exchange(port, "GET /admin HTTP/1.1\r\nHost: a\r\nX-Deny: 1\r\n\r\n");
            assertTrue(denied.startsWith("HTTP/1.1 403 Forbidden\r\n"), denied);
            assertTrue(denied.contains("Request forbidden by administrative rules."), denied);
            Stream s = proxy.nextEnded();
            assertEquals("PR", s.termination().toString());
            assertEquals(403, s.status());
            assertEquals(1, proxy.runtime.frontends().get(0).counters().deniedRequests());

            assertTrue(Loopback.exchange(port, "GET /slow HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                    .startsWith("HTTP/1.1 429"));
            proxy.nextEnded();
            String pong = Loopback.exchange(port, "GET /ping HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertTrue(pong.startsWith("HTTP/1.1 200 OK\r\n") && pong.endsWith("\r\n\r\npong"), pong);
            assertTrue(pong.toLowerCase().contains("content-type: text/plain"), pong);
            assertEquals("LR", proxy.nextEnded().termination().toString());
            String moved = Loopback.exchange(port, "GET /a?b=1 HTTP/1.1\r\nHost: OLD.example\r\nConnection: close\r\n\r\n");
            assertTrue(moved.startsWith("HTTP/1.1 301 Moved Permanently\r\n"), moved);
            assertTrue(moved.toLowerCase().contains("location: https://new.example/a?b=1\r\n"), moved);
            proxy.nextEnded();
            String login = Loopback.exchange(port, "GET /private HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertTrue(login.startsWith("HTTP/1.1 302 Found\r\n") && login.toLowerCase().contains("location: /login"),
                    login);
            proxy.nextEnded();

            String edited = Loopback.exchange(port, "GET /x HTTP/1.1\r\nHost: WWW.A\r\nX-Secret: s\r\nConnection: close\r\n\r\n");
            assertTrue(edited.contains("X-Host: www.a\r\n"), edited);
            assertTrue(edited.contains("X-Via: bascule\r\n"), edited);
            assertFalse(edited.contains("X-Secret"), edited);
            proxy.nextEnded();
            String allowed = Loopback.exchange(port, "GET /allowed HTTP/1.1\r\nHost: a\r\nX-Secret: s\r\nConnection: close\r\n\r\n");
            assertTrue(allowed.contains("X-Secret: s\r\n") && !allowed.contains("X-Via"),
                    "allow stops the rules: " + allowed);
            proxy.nextEnded();
            assertTrue(Loopback.exchange(port, "GET /allowed2 HTTP/1.1\r\nHost: a\r\n\r\n").startsWith("HTTP/1.1 403"));
            assertEquals(3, proxy.runtime.frontends().get(0).counters().deniedRequests(), "the 403s and the 429");
        }
    }

    private static String rewriting(int port, int listen, int echo) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 2s
                frontend fe
                    bind 127.0.0.1:%1$d
                    http-request replace-header X-Cookie foo=([^;]*);(.*) foo=\\1;fe=%%[fe_name];\\2
                    http-request replace-value X-List ^192\\.168\\.(.*)$ 172.16.\\1
                    http-request del-header X-Debug- -m beg
                    http-request set-method PUT if { path /put }
                    http-request set-path /v2%%[path] if { path_beg /api }
                    http-request set-query %%[query]&by=fe if { query -m found }
                    http-request set-pathq /q if { path /pathq }
                    http-request set-uri /whole?x=1 if { path /uri }
                    http-request set-log-level silent if { path /quiet }
                    http-request set-log-level notice if { path /quiet } { req.hdr(x-loud) -m found }
                    http-request set-log-level err if { path /loud }
                    use_backend other if { path_beg /other }
                    default_backend be
                backend be
                    http-request set-header X-Backend %%[be_name] if { path /x }
                    server s 127.0.0.1:%3$d
                backend other
                    redirect location /moved code 301 if { path /other/old }
                    http-request set-path /from-other%%[path]
                    http-request deny deny_status 410 if { path_end /gone }
                    server s 127.0.0.1:%3$d
                listen solo
                    bind 127.0.0.1:%2$d
                    http-request add-header X-Once 1
                    server s 127.0.0.1:%3$d
                """.formatted(port, listen, echo);
    }

    /** The request head the echo server got, from its answer. */
    private static String seen(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void rewriting_rules_edit_the_request_line_and_headers_in_frontends_and_backends() throws Exception {
        int port = Loopback.freePort();
        int listen = Loopback.freePort();
        try (OneRequestServer echo = echo(); Loopback proxy = new Loopback(rewriting(port, listen, echo.port()))) {
            String got = seen(Loopback.exchange(port, "GET /x HTTP/1.1\r\nHost: a\r\nX-Cookie: foo=bar; path=/\r\n"
                    + "X-List: 192.168.1.2, 10.0.0.1,192.168.3.4\r\nX-Debug-A: 1\r\nx-debug-b: 2\r\nConnection: close\r\n\r\n"));
            assertTrue(got.startsWith("GET /x HTTP/1.1\r\n"), got);
            assertTrue(got.contains("X-Cookie: foo=bar;fe=fe; path=/\r\n"), got);
            assertTrue(got.contains("X-List: 172.16.1.2, 10.0.0.1,172.16.3.4\r\n"), got);
            assertFalse(got.toLowerCase().contains("x-debug"), got);
            assertTrue(got.contains("X-Backend: be\r\n"), "the backend's rules ran: " + got);
            proxy.nextEnded();

            assertTrue(seen(Loopback.exchange(port, "GET /put HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
                    .startsWith("PUT /put HTTP/1.1\r\n"));
            proxy.nextEnded();
            assertTrue(seen(Loopback.exchange(port, "GET /api/a?k=v HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
                    .startsWith("GET /v2/api/a?k=v&by=fe HTTP/1.1\r\n"), "set-path keeps the query, set-query the path");
            proxy.nextEnded();
            assertTrue(seen(Loopback.exchange(port, "GET http://a/api/b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
                    .startsWith("GET http://a/v2/api/b HTTP/1.1\r\n"), "the scheme and authority stay");
            proxy.nextEnded();
            assertTrue(seen(Loopback.exchange(port, "GET /pathq?a=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
                    .startsWith("GET /q HTTP/1.1\r\n"));
            proxy.nextEnded();
            assertTrue(seen(Loopback.exchange(port, "GET /uri HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
                    .startsWith("GET /whole?x=1 HTTP/1.1\r\n"));
            proxy.nextEnded();
            assertTrue(seen(Loopback.exchange(port, "GET /quiet HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
                    .startsWith("GET /quiet "));
            assertTrue(proxy.nextEnded().unlogged());
            Loopback.exchange(port, "GET /quiet HTTP/1.1\r\nHost: a\r\nX-Loud: 1\r\nConnection: close\r\n\r\n");
            Stream loud = proxy.nextEnded();
            assertFalse(loud.unlogged(), "the last set-log-level wins over a silent before it");
            assertEquals(5, loud.logLevel());
            Loopback.exchange(port, "GET /loud HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertEquals(3, proxy.nextEnded().logLevel());

            String other = seen(Loopback.exchange(port, "GET /other/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
            assertTrue(other.startsWith("GET /from-other/other/x HTTP/1.1\r\n") && !other.contains("X-Backend"), other);
            proxy.nextEnded();
            assertTrue(Loopback.exchange(port, "GET /other/gone HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                    .startsWith("HTTP/1.1 410"), "a backend's deny answers");
            assertEquals("PR", proxy.nextEnded().termination().toString());
            String moved = Loopback.exchange(port, "GET /other/old HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertTrue(moved.startsWith("HTTP/1.1 301") && moved.contains("ocation: /moved\r\n"),
                    "a backend's redirect: " + moved);
            assertEquals("LR", proxy.nextEnded().termination().toString());

            String once = seen(Loopback.exchange(listen, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
            assertEquals(1, once.split("X-Once").length - 1, "a listen section's rules run once: " + once);
            proxy.nextEnded();

            String untouched = "GET /raw HTTP/1.1\r\nhOsT: a\r\nX-Odd:  spaced \r\nConnection: close\r\n\r\n";
            String raw = seen(Loopback.exchange(port, untouched));
            assertTrue(raw.startsWith("GET /raw HTTP/1.1\r\nhOsT: a\r\nX-Odd:  spaced \r\n"),
                    "a head no rule edits goes in its own bytes: " + raw.replace("\r\n", "|"));
        }
    }

    @Test
    void tarpit_holds_the_request_for_timeout_tarpit_then_answers_its_status() throws Exception {
        int port = Loopback.freePort();
        try (OneRequestServer echo = echo(); Loopback proxy = new Loopback("""
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 100ms
                    timeout server 2s
                frontend fe
                    bind 127.0.0.1:%d
                    timeout tarpit 400ms
                    http-request tarpit deny_status 429 if { path /trap }
                    http-request tarpit if { path /trap500 }
                    default_backend be
                backend be
                    server s 127.0.0.1:%d
                """.formatted(port, echo.port()))) {
            long start = System.nanoTime();
            String trapped = Loopback.exchange(port, "GET /trap HTTP/1.1\r\nHost: a\r\n\r\n");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(trapped.startsWith("HTTP/1.1 429"), trapped);
            assertTrue(ms >= 380, "held for timeout tarpit, not cut by timeout client: " + ms + " ms");
            Stream s = proxy.nextEnded();
            assertEquals("PT", s.termination().toString());
            assertEquals(429, s.status());
            assertEquals(1, proxy.runtime.frontends().get(0).counters().deniedRequests());
            assertTrue(Loopback.exchange(port, "GET /trap500 HTTP/1.1\r\nHost: a\r\n\r\n").startsWith("HTTP/1.1 500"));
            assertEquals("PT", proxy.nextEnded().termination().toString());

            try (java.net.Socket gone = Loopback.connect(port)) {
                Loopback.send(gone, "GET /trap HTTP/1.1\r\nHost: a\r\n\r\n");
                Thread.sleep(100);
            }
            assertEquals("PT", proxy.nextEnded().termination().toString(), "a client leaving a tarpit stays PT");
            assertTrue(Loopback.exchange(port, "GET /free HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                    .startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void early_hints_go_ahead_of_the_answer_one_103_per_run_of_unconditional_rules() throws Exception {
        int port = Loopback.freePort();
        try (OneRequestServer echo = echo(); Loopback proxy = new Loopback("""
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 2s
                frontend fe
                    bind 127.0.0.1:%d
                    http-request early-hint Link "</a.css>; rel=preload"
                    http-request early-hint Link "</b.js>; rel=preload"
                    http-request early-hint X-Cond yes if { path /cond }
                    default_backend be
                backend be
                    server s 127.0.0.1:%d
                """.formatted(port, echo.port()))) {
            String both = Loopback.exchange(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertTrue(both.startsWith("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n"
                    + "Link: </b.js>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\n"), both);
            proxy.nextEnded();
            String cond = Loopback.exchange(port, "GET /cond HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertTrue(cond.contains("Link: </b.js>; rel=preload\r\n\r\nHTTP/1.1 103 Early Hints\r\nX-Cond: yes\r\n"
                    + "\r\nHTTP/1.1 200 OK\r\n"), "a conditional rule starts a 103 of its own: " + cond);
            proxy.nextEnded();
            assertTrue(Loopback.exchange(port, "GET / HTTP/1.0\r\nHost: a\r\n\r\n").startsWith("HTTP/1.1 200 OK"),
                    "an HTTP/1.0 client gets no interim response");
        }
    }

    @Test
    void set_timeout_server_gives_one_request_its_own_timeout_on_a_new_or_reused_connection() throws Exception {
        int port = Loopback.freePort();
        try (Loopback.Backend slow = new Loopback.Backend(400, "late");
             Loopback proxy = new Loopback("""
                     defaults
                         mode http
                         timeout connect 1s
                         timeout client 5s
                         timeout server 2s
                     frontend fe
                         bind 127.0.0.1:%d
                         default_backend be
                     backend be
                         http-request set-timeout server 100ms if { path /hurry }
                         http-request set-timeout server req.hdr(x-ms) if { req.hdr(x-ms) -m found }
                         server s 127.0.0.1:%d
                     """.formatted(port, slow.port()))) {
            String hurried = Loopback.exchange(port, "GET /hurry HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(hurried.startsWith("HTTP/1.1 504"), hurried);
            assertEquals("sH", proxy.nextEnded().termination().toString());
            try (java.net.Socket c = Loopback.connect(port)) {
                Loopback.send(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
                byte[] first = new byte[64];
                int n = c.getInputStream().read(first);
                assertTrue(new String(first, 0, n, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"),
                        "the backend's 2s wait for the first");
                proxy.nextEnded();
                Thread.sleep(50);
                Loopback.send(c, "GET / HTTP/1.1\r\nHost: a\r\nX-Ms: 150\r\nConnection: close\r\n\r\n");
                String second = Loopback.readAll(c);
                assertTrue(second.contains("HTTP/1.1 504"), "an expression's milliseconds, on the reused connection: "
                        + second);
            }
            assertEquals("sH", proxy.nextEnded().termination().toString());
            assertTrue(Loopback.exchange(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                    .startsWith("HTTP/1.1 200"), "the next request has the backend's timeout again");
        }
    }

    /** A server answering each connection's one request with the head and the body it got (by length, or chunked). */
    private static OneRequestServer bodyEcho() throws IOException {
        return new OneRequestServer((head, in) -> {
            StringBuilder got = new StringBuilder(head);
            String lower = head.toLowerCase();
            int cl = lower.indexOf("content-length: ");
            if (cl >= 0) {
                int n = Integer.parseInt(lower.substring(cl + 16, lower.indexOf("\r\n", cl)).trim());
                got.append(new String(in.readNBytes(n), StandardCharsets.ISO_8859_1));
            } else if (lower.contains("transfer-encoding: chunked")) {
                for (int b; !got.toString().endsWith("0\r\n\r\n") && (b = in.read()) >= 0; ) {
                    got.append((char) b);
                }
            }
            return OneRequestServer.ok(got.toString());
        });
    }

    @Test
    void wait_for_body_lets_the_rules_read_the_body_which_then_goes_to_the_server_as_it_came() throws Exception {
        int port = Loopback.freePort();
        try (OneRequestServer echo = bodyEcho(); Loopback proxy = new Loopback("""
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 2s
                frontend fe
                    bind 127.0.0.1:%d
                    http-request wait-for-body time 300ms if METH_POST
                    http-request deny if { req.body -m sub secret }
                    http-request set-header X-Len %%[req.body_len]
                    http-request set-header X-Size %%[req.body_size]
                    default_backend be
                backend be
                    server s 127.0.0.1:%d
                """.formatted(port, echo.port()))) {
            assertTrue(Loopback.exchange(port, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\nhello secret")
                    .startsWith("HTTP/1.1 403"), "a rule read the body");
            proxy.nextEnded();
            String got = seen(Loopback.exchange(port, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                    + "Connection: close\r\n\r\nhello"));
            assertTrue(got.contains("X-Len: 5\r\nX-Size: 5\r\n") && got.endsWith("\r\n\r\nhello"), got);
            proxy.nextEnded();
            String chunked = seen(Loopback.exchange(port, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n"));
            assertTrue(chunked.contains("X-Len: 5\r\nX-Size: 5\r\n")
                    && chunked.endsWith("\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n"), chunked);
            proxy.nextEnded();

            try (Socket slow = Loopback.connect(port)) {
                Loopback.send(slow, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nConnection: close\r\n\r\nabc");
                Thread.sleep(600);
                Loopback.send(slow, "def");
                String late = seen(Loopback.readAll(slow));
                assertTrue(late.contains("X-Len: 3\r\nX-Size: 6\r\n") && late.endsWith("\r\n\r\nabcdef"),
                        "after 'time' the rules read what came; the rest follows: " + late);
            }
            proxy.nextEnded();
            assertTrue(seen(Loopback.exchange(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
                    .contains("X-Len: 0\r\nX-Size: 0\r\n"), "no body, no wait");
        }
    }
}
