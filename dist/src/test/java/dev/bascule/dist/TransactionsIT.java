package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What happens to one request on its way through, told beside a real HAProxy 2.6 where it decides the answer: a
 * slow server is waited for under timeout server (not timeout client), the exporter answers only the requests its
 * condition names, queued clients are served in order while others give up, and bytes in are counted in HTTP mode.
 */
class TransactionsIT {
    private static String config(int port, int server, String frontendLines, String backendLines) {
        return """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 1s
                    timeout server 5s
                frontend www
                    bind 127.0.0.1:%d
                %s
                    default_backend app
                backend app
                %s
                    server s1 127.0.0.1:%d
                """.formatted(port, frontendLines, backendLines, server);
    }

    @Test
    void a_server_slower_than_timeout_client_still_answers_as_with_haproxy() throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (TestServer slow = TestServer.start(TestServer.http(2500, Integer.MAX_VALUE, seen))) {
            int port = Ports.free();
            int ref = Ports.free();
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("slow-server", config(port, slow.port(), "", "")),
                    port);
                 HaproxyServer reference = HaproxyServer.start("slow-server", config(ref, slow.port(), "", ""), ref)) {
                for (int p : new int[] {ref, port}) {
                    Curl.Reply reply = Curl.run("http://127.0.0.1:" + p + "/slow");
                    assertEquals(200, reply.status(), "through " + (p == ref ? "HAProxy" : "Bascule"));
                    assertEquals("GET /slow HTTP/1.1", reply.body());
                }
            }
        }
    }

    @Test
    void the_exporter_answers_only_the_requests_its_condition_names() throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (TestServer app = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, seen))) {
            int port = Ports.free();
            int ref = Ports.free();
            String fe = "    http-request use-service prometheus-exporter if { path_beg /metrics }";
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("use-service", config(port, app.port(), fe, "")),
                    port);
                 HaproxyServer reference = HaproxyServer.start("use-service", config(ref, app.port(), fe, ""), ref)) {
                for (int p : new int[] {ref, port}) {
                    String url = "http://127.0.0.1:" + p;
                    assertEquals("GET /app HTTP/1.1", Curl.run(url + "/app").body());
                    Curl.Reply metrics = Curl.run(url + "/metrics/x");
                    assertEquals(200, metrics.status());
                    assertTrue(metrics.body().contains("# TYPE haproxy_frontend_http_requests_total counter"),
                            metrics.body());
                }
            }
            String unless = "    http-request use-service prometheus-exporter unless { path /app /api }";
            int other = Ports.free();
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("use-service-unless",
                    config(other, app.port(), unless, "")), other)) {
                String url = "http://127.0.0.1:" + other;
                assertEquals("GET /api HTTP/1.1", Curl.run(url + "/api").body());
                assertTrue(Curl.run(url + "/other").body().contains("haproxy_process"));
            }
        }
    }

    @Test
    void a_use_service_condition_on_a_header_answers_as_with_haproxy() throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (TestServer app = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, seen))) {
            int port = Ports.free();
            int ref = Ports.free();
            String fe = "    http-request use-service prometheus-exporter if { hdr(host) -m beg metrics. }";
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("use-service-acl", config(port, app.port(), fe,
                    "")), port);
                 HaproxyServer reference = HaproxyServer.start("use-service-acl", config(ref, app.port(), fe, ""),
                         ref)) {
                for (int p : new int[] {ref, port}) {
                    String url = "http://127.0.0.1:" + p + "/metrics";
                    assertEquals("GET /metrics HTTP/1.1", Curl.run("-H", "Host: www.example", url).body());
                    assertTrue(Curl.run("-H", "Host: metrics.example", url).body()
                            .contains("# TYPE haproxy_frontend_http_requests_total counter"));
                }
            }
        }
    }

    @Test
    void queued_clients_are_served_in_arrival_order_while_others_give_up() throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (TestServer app = TestServer.start(TestServer.http(300, Integer.MAX_VALUE, seen))) {
            int port = Ports.free();
            String be = "    timeout queue 10s\n    default-server maxconn 1";
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("queue-order", config(port, app.port(), "", be)),
                    port)) {
                // Warm: a JVM's first request takes longer than the gap between these clients.
                assertEquals(200, Curl.run("http://127.0.0.1:" + port + "/warm").status());
                seen.clear();
                List<Socket> clients = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    Socket c = new Socket();
                    c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                    c.setSoTimeout(10_000);
                    c.getOutputStream().write(("GET /" + i + " HTTP/1.1\r\nHost: q\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    clients.add(c);
                    Thread.sleep(40);
                }
                // Two of the queued give up (a reset, as a browser's cancel): their places go to those behind.
                for (int gone : new int[] {2, 4}) {
                    clients.get(gone).setSoLinger(true, 0);
                    clients.get(gone).close();
                }
                for (int i : new int[] {0, 1, 3, 5}) {
                    try (Socket c = clients.get(i)) {
                        String reply = new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                        assertTrue(reply.startsWith("HTTP/1.1 200") && reply.endsWith("GET /" + i + " HTTP/1.1"),
                                "client " + i + ": " + reply);
                    }
                }
                assertEquals(List.of("GET /0 HTTP/1.1", "GET /1 HTTP/1.1", "GET /3 HTTP/1.1", "GET /5 HTTP/1.1"),
                        List.copyOf(seen));
            }
        }
    }

    @Test
    void bytes_in_are_counted_in_http_mode_on_frontend_backend_and_server() throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (TestServer app = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, seen))) {
            int port = Ports.free();
            int api = Ports.free();
            String cfg = "global\n    stats socket 127.0.0.1:" + api + " level admin\n" + config(port, app.port(), "", "");
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("http-bin", cfg), port)) {
                String request = "GET /counted HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n";
                String reply;
                try (Socket c = new Socket("127.0.0.1", port)) {
                    c.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                    InputStream in = c.getInputStream();
                    reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                }
                assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
                String csv = RuntimeApiIT.socat("TCP:127.0.0.1:" + api, "show stat");
                List<String> header = List.of(csv.lines().findFirst().orElseThrow().substring(2).split(","));
                int bin = header.indexOf("bin");
                int bout = header.indexOf("bout");
                for (String row : new String[] {"www,FRONTEND", "app,s1", "app,BACKEND"}) {
                    String[] f = csv.lines().filter(l -> l.startsWith(row + ",")).findFirst().orElseThrow().split(",");
                    assertEquals(String.valueOf(request.length()), f[bin], row + " bin");
                    assertEquals(String.valueOf(reply.length()), f[bout], row + " bout");
                }
            }
        }
    }
}
