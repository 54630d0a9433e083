package dev.bascule.core.http;

import dev.bascule.core.ServerState;
import dev.bascule.core.stream.Loopback;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code monitor-uri} with {@code monitor fail}: what keepalived's check script asks. The answer follows the servers'
 * state as it changes, any of the conditions fails it, and neither answer is forwarded or logged as traffic.
 */
class MonitorTest {
    private static String config(int port, int backend) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 2s
                frontend www
                    bind 127.0.0.1:%d
                    monitor-uri /alive
                    acl web_dead nbsrv(web) lt 1
                    monitor fail if web_dead
                    monitor fail unless { nbsrv(static) ge 1 }
                    default_backend web
                backend web
                    server w1 127.0.0.1:%d
                    server w2 127.0.0.1:%d
                backend static
                    server s1 127.0.0.1:%d
                """.formatted(port, backend, backend, backend);
    }

    private static int status(int port) throws Exception {
        String reply = Loopback.exchange(port, "GET /alive HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        return Integer.parseInt(reply.substring(9, 12));
    }

    @Test
    void the_monitor_uri_answers_503_while_a_condition_holds_and_200_again_once_none_does() throws Exception {
        int port = Loopback.freePort();
        try (Loopback.Backend web = new Loopback.Backend(0, "from the server");
             Loopback proxy = new Loopback(config(port, web.port()))) {
            ServerState w1 = proxy.runtime.backend("web").server("w1");
            ServerState w2 = proxy.runtime.backend("web").server("w2");
            ServerState s1 = proxy.runtime.backend("static").server("s1");
            assertEquals(200, status(port));
            assertEquals("LR", proxy.nextEnded().termination().toString());

            w1.admin(ServerState.Admin.MAINT);
            assertEquals(200, status(port), "one usable server in web is enough");
            proxy.nextEnded();
            w2.admin(ServerState.Admin.MAINT);
            String failed = Loopback.exchange(port, "GET /alive HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(failed.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), failed);
            assertTrue(failed.contains("No server is available to handle this request."), "HAProxy's 503 page: "
                    + failed);
            var ended = proxy.nextEnded();
            assertEquals("LR", ended.termination().toString(), "a failed monitor request is the proxy's own answer");
            assertEquals(503, ended.status());
            assertTrue(ended.unlogged(), "monitor requests are not logged, failed or not");

            w1.admin(ServerState.Admin.READY);
            assertEquals(200, status(port));
            proxy.nextEnded();
            s1.admin(ServerState.Admin.MAINT);
            assertEquals(503, status(port), "the second line, an 'unless', fails it too");
            proxy.nextEnded();
            s1.admin(ServerState.Admin.READY);
            assertEquals(200, status(port));
            proxy.nextEnded();

            String forwarded = Loopback.exchange(port, "GET /alive/not HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertTrue(forwarded.endsWith("from the server"), "other paths go to the servers: " + forwarded);
            proxy.nextEnded();
            assertEquals(6, proxy.runtime.frontends().get(0).counters().intercepted(),
                    "every monitor request is intercepted, 200 or 503, as HAProxy counts them");
        }
    }
}
