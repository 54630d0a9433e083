package dev.bascule.core.http;

import dev.bascule.core.stream.Loopback;
import dev.bascule.core.stream.Loopback.OneRequestServer;
import dev.bascule.core.stream.Stream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code http-response} and {@code http-after-response} rules through the proxy, on a backend and a frontend. */
class ResponseRulesTest {
    /**
     * A server answering {@code GET /<code>[/leak]} with that status, a {@code Server} and an {@code X-Order} header, a
     * session cookie, {@code X-Leak} when asked, and a short body.
     */
    private static OneRequestServer origin() throws IOException {
        return new OneRequestServer((head, in) -> {
            String target = head.split(" ")[1];
            String code = target.substring(1, 4);
            String body = "origin " + code;
            return "HTTP/1.1 " + code + " Whatever\r\nServer: origin/1\r\nX-Order: origin\r\n"
                    + "Set-Cookie: sid=abc; Path=/\r\n" + (target.endsWith("/leak") ? "X-Leak: secret\r\n" : "")
                    + "Connection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        });
    }

    private static String config(int port, int origin) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 2s
                frontend fe
                    bind 127.0.0.1:%d
                    http-response set-header X-Order front-%%[res.hdr(x-order)]
                    http-response del-header Server
                    http-response set-status 503 reason "Slow Down" if { status 429 }
                    http-response deny if { res.hdr(x-leak) -m found }
                    http-response return status 200 content-type text/plain lf-string "replaced %%[status]" hdr X-R %%[res.hdr(x-order)]. if { status 410 }
                    http-response redirect location /elsewhere code 303 if { status 404 } { res.cook(sid) abc }
                    http-after-response set-header X-After %%[status]
                    default_backend be
                backend be
                    http-response set-header X-Order back
                    http-response allow if { status 201 }
                    http-response add-header X-Back-Only 1
                    server s 127.0.0.1:%d
                """.formatted(port, origin);
    }

    private static String get(int port, String path) throws IOException {
        return Loopback.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    }

    @Test
    void the_backends_rules_run_before_the_frontends_and_allow_ends_only_its_own() throws Exception {
        int port = Loopback.freePort();
        try (OneRequestServer origin = origin(); Loopback proxy = new Loopback(config(port, origin.port()))) {
            String ok = get(port, "/200");
            assertTrue(ok.startsWith("HTTP/1.1 200 Whatever\r\n"), ok);
            assertTrue(ok.contains("X-Order: front-back\r\n"), ok);
            assertTrue(ok.contains("X-Back-Only: 1\r\n") && ok.contains("X-After: 200\r\n"), ok);
            assertFalse(ok.contains("Server:"), ok);
            assertTrue(ok.endsWith("\r\n\r\norigin 200"), ok);
            assertEquals("--", proxy.nextEnded().termination().toString());

            String allowed = get(port, "/201");
            assertTrue(allowed.contains("X-Order: front-back\r\n") && !allowed.contains("X-Back-Only"), allowed);
            proxy.nextEnded();
        }
    }

    @Test
    void set_status_deny_return_and_redirect_answer_for_the_server() throws Exception {
        int port = Loopback.freePort();
        try (OneRequestServer origin = origin(); Loopback proxy = new Loopback(config(port, origin.port()))) {
            String slow = get(port, "/429");
            assertTrue(slow.startsWith("HTTP/1.1 503 Slow Down\r\n"), slow);
            assertTrue(slow.contains("X-After: 503\r\n"), "later rules see the new status: " + slow);
            assertEquals(503, proxy.nextEnded().status());

            String leak = get(port, "/200/leak");
            assertTrue(leak.startsWith("HTTP/1.1 502 Bad Gateway\r\n"), leak);
            assertFalse(leak.contains("secret") || leak.contains("origin 200"), leak);
            assertTrue(leak.contains("X-After: 502\r\n"), "http-after-response sees the proxy's page: " + leak);
            Stream denied = proxy.nextEnded();
            assertEquals("PH", denied.termination().toString());
            assertEquals(502, denied.status());
            assertEquals(1, proxy.runtime.frontends().get(0).counters().deniedResponses());
            assertEquals(1, proxy.runtime.backends().get(0).counters().deniedResponses());

            String replaced = get(port, "/410");
            assertTrue(replaced.startsWith("HTTP/1.1 200 OK\r\n"), replaced);
            assertTrue(replaced.contains("X-R: .\r\n") && replaced.endsWith("\r\n\r\nreplaced "),
                    "as in HAProxy, the server's response is gone when the reply is built: " + replaced);
            assertEquals("LH", proxy.nextEnded().termination().toString());

            String moved = get(port, "/404");
            assertTrue(moved.startsWith("HTTP/1.1 303 See Other\r\n"), moved);
            assertTrue(moved.toLowerCase().contains("location: /elsewhere\r\n"), moved);
            assertTrue(moved.toLowerCase().contains("cache-control: no-cache\r\n"), moved);
            proxy.nextEnded();
            assertEquals(0, proxy.runtime.frontends().get(0).counters().intercepted(),
                    "a response's return and redirect answer no request");
        }
    }

    @Test
    void a_header_a_rule_adds_goes_out_after_the_servers_lines_as_they_came() {
        io.netty.buffer.ByteBuf in = io.netty.buffer.Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nX-Spaced:   as sent\r\n"
                + "Content-Length: 0\r\n\r\n", StandardCharsets.ISO_8859_1);
        ResponseHead head = ResponseHead.parse(in, 16384, false);
        head.set("X-Bench", "b");
        head.add("X-Two", "2");
        assertEquals(java.util.List.of("b"), head.headerLines("x-bench"), "the fetches see the added line");
        io.netty.buffer.ByteBuf out = head.toClient(io.netty.buffer.ByteBufAllocator.DEFAULT, true, true, null);
        assertEquals("HTTP/1.1 200 OK\r\nX-Spaced:   as sent\r\nContent-Length: 0\r\nX-Bench: b\r\nX-Two: 2\r\n\r\n",
                out.toString(StandardCharsets.ISO_8859_1));
        out.release();
        head.set("X-Bench", "again");
        io.netty.buffer.ByteBuf rebuilt = head.toClient(io.netty.buffer.ByteBufAllocator.DEFAULT, true, true, null);
        String text = rebuilt.toString(StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("X-Bench: again\r\n") && !text.contains("X-Bench: b") && text.contains("X-Two: 2"),
                "a line set again takes the head to header objects: " + text);
        rebuilt.release();
        head.release();
        in.release();
    }

    @Test
    void an_unknown_code_gets_haproxys_reason() {
        assertEquals("Too Many Requests", ResponseRules.reason(429));
        assertEquals("Other", ResponseRules.reason(599));
    }
}
