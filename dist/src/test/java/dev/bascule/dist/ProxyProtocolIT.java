package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PROXY protocol between real HAProxy 2.6 and Bascule, both ways at once: a client on 127.0.0.5 reaches an HAProxy
 * edge that sends the header to Bascule ({@code accept-proxy}), and Bascule sends its own header, naming that same
 * client, to an HAProxy origin ({@code accept-proxy}) that answers with the addresses it was told. In HTTP and TCP
 * mode, over TLS both ways, with health checks that introduce themselves; and a connection that brings garbage or
 * nothing is closed and logged as HAProxy closes and logs it.
 */
class ProxyProtocolIT {
    private static final String CLIENT = "127.0.0.5";

    /** The ports of one run: HAProxy's edges and origin, Bascule's frontends, the syslog input. */
    private record Layout(int edgeV1, int edgeV2, int edgeTcp, int edgeTls, int origin, int originTls, int http,
                          int tcp, int tls) {
        static Layout free() {
            return new Layout(Ports.free(), Ports.free(), Ports.free(), Ports.free(), Ports.free(), Ports.free(),
                    Ports.free(), Ports.free(), Ports.free());
        }
    }

    private static String haproxy(Layout p, Path pem) {
        return """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                frontend edge_v1
                    bind 127.0.0.1:%1$d
                    default_backend bascule_v1
                frontend edge_v2
                    bind 127.0.0.1:%2$d
                    default_backend bascule_v2
                frontend edge_tcp
                    mode tcp
                    bind 127.0.0.1:%3$d
                    default_backend bascule_tcp
                frontend edge_tls
                    bind 127.0.0.1:%4$d
                    default_backend bascule_tls
                backend bascule_v1
                    server b 127.0.0.1:%7$d send-proxy
                backend bascule_v2
                    server b 127.0.0.1:%7$d send-proxy-v2
                backend bascule_tcp
                    mode tcp
                    server b 127.0.0.1:%8$d send-proxy-v2
                backend bascule_tls
                    server b 127.0.0.1:%9$d send-proxy-v2 ssl verify none
                frontend origin
                    bind 127.0.0.1:%5$d accept-proxy
                    bind 127.0.0.1:%6$d accept-proxy ssl crt %10$s
                    http-request return status 200 content-type text/plain lf-string "src=%%[src] dport=%%[dst_port] xff=%%[req.hdr(x-forwarded-for)] ssl=%%[ssl_fc] pp=%%[req.hdr(x-pp)]"
                """.formatted(p.edgeV1, p.edgeV2, p.edgeTcp, p.edgeTls, p.origin, p.originTls, p.http, p.tcp, p.tls,
                pem);
    }

    private static String bascule(Layout p, Path pem, int syslog) {
        // One event loop: one idle pool, which the next client would share were a header's connection not private.
        return """
                global
                    nbthread 1
                defaults
                    mode http
                    timeout check 2s
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                frontend http_in
                    bind 127.0.0.1:%7$d accept-proxy
                    log 127.0.0.1:%11$d local0
                    option httplog
                    option forwardfor
                    http-request set-header X-PP %%[fc_rcvd_proxy]
                    tcp-request connection reject if { src %12$s }
                    tcp-request session reject if { src 127.0.0.7 }
                    acl v1 path_beg /v1
                    use_backend origin_v1 if v1
                    default_backend origin_v2
                backend origin_v2
                    http-reuse always
                    option httpchk GET /
                    option log-health-checks
                    server o 127.0.0.1:%5$d send-proxy-v2 check inter 300
                backend origin_v1
                    option httpchk GET /
                    option log-health-checks
                    server o 127.0.0.1:%5$d send-proxy check inter 300 port %5$d check-send-proxy
                frontend tcp_in
                    mode tcp
                    bind 127.0.0.1:%8$d
                    tcp-request connection expect-proxy layer4 if { src 127.0.0.1 }
                    default_backend origin_tcp
                backend origin_tcp
                    mode tcp
                    server o 127.0.0.1:%5$d send-proxy
                frontend tls_in
                    bind 127.0.0.1:%9$d accept-proxy ssl crt %10$s
                    option forwardfor
                    default_backend origin_tls
                backend origin_tls
                    server o 127.0.0.1:%6$d send-proxy-v2 ssl verify none
                """.formatted(p.edgeV1, p.edgeV2, p.edgeTcp, p.edgeTls, p.origin, p.originTls, p.http, p.tcp, p.tls,
                pem, syslog, CLIENT);
    }

    /** What the origin answered to curl from the client's address through {@code port}. */
    private static String fromClient(int port, String path) throws Exception {
        return from(CLIENT, port, path);
    }

    private static String from(String client, int port, String path) throws Exception {
        Curl.Reply r = Curl.run("--interface", client, "http://127.0.0.1:" + port + path);
        assertEquals(200, r.status(), r.headers());
        return r.body();
    }

    @Test
    void the_client_address_crosses_haproxy_then_bascule_then_haproxy_in_http_tcp_and_tls() throws Exception {
        TestCertificates certs = TestCertificates.make("proxy-protocol");
        Path pem = certs.pem("localhost");
        Layout p = Layout.free();
        try (RsyslogServer syslog = RsyslogServer.start("proxy-protocol", 1);
             HaproxyServer haproxy = HaproxyServer.start("proxy-protocol", haproxy(p, pem), p.edgeV1);
             Bascule bascule = Bascule.serve(Bascule.writeConfig("proxy-protocol", bascule(p, pem, syslog.port(0))),
                     p.http)) {
            // The checks reach the origin only with a header: v2 as the traffic (no port), v1 forced with a port.
            for (String server : List.of("origin_v2/o", "origin_v1/o")) {
                bascule.awaitLog("Health check for server " + server + " succeeded, .* status: (\\d)/\\1 UP", 10_000);
            }

            // HAProxy v1 to Bascule, Bascule v1 to HAProxy; then v2 both ways. The destination port is the edge's.
            assertEquals("src=" + CLIENT + " dport=" + p.edgeV1 + " xff=" + CLIENT + " ssl=0 pp=1",
                    fromClient(p.edgeV1, "/v1/a"), "fc_rcvd_proxy is true on an accept-proxy bind");
            assertEquals("src=" + CLIENT + " dport=" + p.edgeV2 + " xff=" + CLIENT + " ssl=0 pp=1",
                    fromClient(p.edgeV2, "/b"));
            // A connection that began with a header for one client never carries another's, even with http-reuse
            // always: the next client's request gets a connection (and a header) of its own.
            String next = from("127.0.0.6", p.edgeV2, "/b2");
            assertTrue(next.startsWith("src=127.0.0.6 "), next);
            // The connection rules saw the socket's address (HAProxy's, not the client's), the session rules the
            // header's: a client they refuse gets no answer from the origin.
            Curl.Reply refused = Curl.run("--interface", "127.0.0.7", "http://127.0.0.1:" + p.edgeV2 + "/e");
            assertTrue(refused.status() >= 500 && !refused.body().contains("src="), refused.toString());
            // TCP mode, the header expected by a tcp-request connection rule: the bytes are relayed, the header is
            // Bascule's, naming the client HAProxy told it of.
            String tcp = fromClient(p.edgeTcp, "/c");
            assertTrue(tcp.startsWith("src=" + CLIENT + " dport=" + p.edgeTcp + " xff="), tcp);
            assertTrue(tcp.contains(" ssl=0 ") && !tcp.contains("xff=" + CLIENT), "no forwardfor in TCP mode: " + tcp);
            // The header before TLS both ways: HAProxy send-proxy-v2 ssl, Bascule send-proxy-v2 ssl.
            assertEquals("src=" + CLIENT + " dport=" + p.edgeTls + " xff=" + CLIENT + " ssl=1",
                    fromClient(p.edgeTls, "/d").replaceFirst(" pp=\\S*$", ""));

            List<String> lines = syslog.await(syslog.port(0), 3);
            assertEquals(2, lines.stream().filter(l -> l.contains(": " + CLIENT + ":")).count(), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains("http_in origin_v1/o ") && l.contains("\"GET /v1/a "))
                    && lines.stream().anyMatch(l -> l.contains("http_in origin_v2/o ") && l.contains("\"GET /b ")),
                    lines.toString());
        }
    }

    @Test
    void garbage_and_silence_are_closed_and_logged_as_haproxy_does() throws Exception {
        List<List<String>> logged = errorLines("errors", "");
        List<String> bascule = logged.get(1);
        for (String reason : List.of("Received something which does not look like a PROXY protocol header",
                "Timeout while waiting for PROXY protocol header",
                "Connection closed while waiting for PROXY protocol header")) {
            assertTrue(bascule.stream().anyMatch(l -> l.equals("127.0.0.1:PORT [DATE] pp/1: " + reason)),
                    logged.toString());
        }
        // The connection errors are the same lines, in the same number, on both.
        assertEquals(errors(logged.get(0)), errors(bascule));
    }

    @Test
    void with_dontlognull_a_connection_that_sent_nothing_writes_no_line_as_in_haproxy() throws Exception {
        List<List<String>> logged = errorLines("dontlognull", "option dontlognull");
        List<String> bascule = logged.get(1);
        assertTrue(bascule.stream().noneMatch(l -> l.contains("Connection closed while waiting")
                || l.contains("Timeout while waiting")), bascule::toString);
        assertTrue(bascule.stream().anyMatch(l -> l.endsWith("does not look like a PROXY protocol header")),
                bascule::toString);
        assertEquals(errors(logged.get(0)), errors(bascule));
    }

    private static List<String> errors(List<String> lines) {
        return lines.stream().filter(l -> l.contains("PROXY protocol")).toList();
    }

    /**
     * The same accept-proxy frontend on HAProxy and on Bascule, each sent garbage, silence, an empty close and then a
     * good header with bytes behind it: the lines each logged (HAProxy's first), from their client field on.
     */
    private static List<List<String>> errorLines(String name, String option) throws Exception {
        String config = """
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 1s
                    timeout server 5s
                frontend pp
                    bind 127.0.0.1:%d accept-proxy
                    log 127.0.0.1:%d local0
                    option tcplog
                    %s
                    default_backend none
                backend none
                    server s 127.0.0.1:%d
                """;
        try (RsyslogServer syslog = RsyslogServer.start("proxy-protocol-" + name, 2);
             TestServer echo = TestServer.start(TestServer.echo())) {
            int haproxyPort = Ports.free();
            int basculePort = Ports.free();
            List<List<String>> logged = new ArrayList<>();
            try (HaproxyServer haproxy = HaproxyServer.start("proxy-protocol-" + name,
                    config.formatted(haproxyPort, syslog.port(0), option, echo.port()), haproxyPort);
                 Bascule bascule = Bascule.serve(Bascule.writeConfig("proxy-protocol-" + name,
                         config.formatted(basculePort, syslog.port(1), option, echo.port())), basculePort)) {
                int[][] sides = {{haproxyPort, syslog.port(0)}, {basculePort, syslog.port(1)}};
                for (int[] side : sides) {
                    assertClosed(side[0], "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
                    assertClosed(side[0], null);
                    try (Socket s = connect(side[0])) {
                        s.shutdownOutput();
                        assertEquals(-1, readOrReset(s.getInputStream()));
                    }
                    // A header then the bytes: relayed, the line names the header's client.
                    try (Socket s = connect(side[0])) {
                        s.getOutputStream().write("PROXY TCP4 192.0.2.7 198.51.100.1 4242 80\r\nping"
                                .getBytes(StandardCharsets.US_ASCII));
                        byte[] back = new byte[4];
                        assertEquals(4, s.getInputStream().readNBytes(back, 0, 4));
                        assertEquals("ping", new String(back, StandardCharsets.US_ASCII));
                    }
                    // The relayed session's line comes last, at its close.
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (syslog.lines(side[1]).stream().noneMatch(l -> l.contains(" pp none/s "))
                            && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    List<String> lines = syslog.lines(side[1]).stream().map(ProxyProtocolIT::fromClientField)
                            .sorted().toList();
                    assertTrue(lines.stream().anyMatch(l -> l.startsWith("192.0.2.7:4242 [DATE] pp none/s ")),
                            lines.toString());
                    logged.add(lines);
                }
            }
            return logged;
        }
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        s.setSoTimeout(4000);
        return s;
    }

    /** Sends {@code bytes} (none: stays silent) and expects the proxy to close the connection within its timeout. */
    private static void assertClosed(int port, String bytes) throws Exception {
        try (Socket s = connect(port)) {
            if (bytes != null) {
                OutputStream out = s.getOutputStream();
                out.write(bytes.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            assertEquals(-1, readOrReset(s.getInputStream()), "closed without an answer");
        }
    }

    private static int readOrReset(InputStream in) throws Exception {
        try {
            return in.read();
        } catch (SocketException reset) {
            return -1;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection stayed open", e);
        }
    }

    /** A syslog line from its client field on, with ports of 127.0.0.1 and dates and timers made comparable. */
    private static String fromClientField(String line) {
        String l = TrafficLogsIT.normalize(List.of(line)).get(0);
        int at = l.indexOf("]: ");
        return at < 0 ? l : l.substring(at + 3);
    }
}
