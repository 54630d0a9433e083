package dev.bascule.core.http;

import dev.bascule.core.stream.Loopback;
import dev.bascule.core.stream.Stream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code http-request} rules and {@code redirect} through the proxy: answers, termination letters, edited heads. */
class RequestRulesTest {
    /** A server answering each connection's one request with the request head it got, as its body. */
    private static final class Echo implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        Echo() throws IOException {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket c = socket.accept()) {
                        InputStream in = c.getInputStream();
                        ByteArrayOutputStream head = new ByteArrayOutputStream();
                        int window = 0;
                        for (int b; window != 0x0D0A0D0A && (b = in.read()) >= 0; ) {
                            head.write(b);
                            window = window << 8 | b;
                        }
                        byte[] body = head.toByteArray();
                        c.getOutputStream().write(("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: "
                                + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        c.getOutputStream().write(body);
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
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
        try (Echo echo = new Echo(); Loopback proxy = new Loopback(config(port, echo.socket.getLocalPort()))) {
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
}
