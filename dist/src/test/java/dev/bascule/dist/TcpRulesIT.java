package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator routes TLS by server name without terminating it, and filters TCP clients: {@code tcp-request
 * inspect-delay} holds the client's first bytes, {@code tcp-request content} rules wait for a whole ClientHello
 * ({@code req.ssl_hello_type}) and refuse what they must ({@code req.payload}), {@code use_backend} reads the SNI
 * ({@code req.ssl_sni}) or sees HTTP ({@code req.proto_http}); {@code tcp-request connection} refuses an address
 * before anything. Bascule and a real HAProxy 2.6 given the same configuration send each client to the same backend
 * (each says its name) or close it alike, and count the refusals alike (dcon, dreq).
 */
class TcpRulesIT {
    private static String config(int sni, int conn, int quiet, int api, TestServer a, TestServer b, TestServer web,
                                 TestServer other) {
        return """
                global
                    stats socket 127.0.0.1:%d level admin
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend sni
                    bind 127.0.0.1:%d
                    tcp-request inspect-delay 3s
                    tcp-request content reject if { req.payload(0,4) -m bin 44454e59 }
                    tcp-request content accept if { req.ssl_hello_type 1 }
                    tcp-request content accept if { req.proto_http }
                    use_backend be_a if { req.ssl_sni -i a.example }
                    use_backend be_b if { req_ssl_sni -m end .b.example }
                    use_backend be_web if { req.proto_http }
                    default_backend be_other
                frontend conn
                    bind 127.0.0.1:%d
                    tcp-request connection reject if { src 127.0.0.2 }
                    tcp-request connection accept if { src 127.0.0.0/8 }
                    tcp-request connection reject
                    default_backend be_other
                frontend quiet
                    bind 127.0.0.1:%d
                    tcp-request inspect-delay 300ms
                    tcp-request content accept if { req.ssl_hello_type 1 }
                    use_backend be_a if { req.ssl_sni -i a.example }
                    default_backend be_other
                backend be_a
                    server a 127.0.0.1:%d
                backend be_b
                    server b 127.0.0.1:%d
                backend be_web
                    server web 127.0.0.1:%d
                backend be_other
                    server other 127.0.0.1:%d
                """.formatted(api, sni, conn, quiet, a.port(), b.port(), web.port(), other.port());
    }

    /** A TLS ClientHello as Java's TLS client writes it, with that server name (or none). */
    private static byte[] clientHello(String serverName) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        SSLEngine engine = tls.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        engine.setSSLParameters(p);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /**
     * What one client sees: the first line the backend sends (its name), "closed" when the proxy closes without a
     * word. The bytes go in pieces, {@code pauseMs} apart.
     */
    private static String client(int port, String from, long pauseMs, byte[]... pieces) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.setSoTimeout(5000);
            try {
                // A connection refused at its accept may be reset before connect() returns.
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                for (byte[] piece : pieces) {
                    s.getOutputStream().write(piece);
                    s.getOutputStream().flush();
                    Thread.sleep(pauseMs);
                }
            } catch (IOException reset) {
                return "closed";
            }
            return firstLine(s.getInputStream());
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
                line.write(b);
            }
        } catch (SocketTimeoutException e) {
            return "no answer";
        } catch (IOException reset) {
            // below
        }
        return line.size() == 0 ? "closed" : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Every case, run against the proxy listening on the three ports. */
    private static List<String> run(int sni, int conn, int quiet) throws Exception {
        byte[] helloA = clientHello("a.example");
        List<String> seen = new ArrayList<>();
        seen.add("sni a.example -> " + client(sni, "127.0.0.1", 0, helloA));
        seen.add("sni A.EXAMPLE -> " + client(sni, "127.0.0.1", 0, clientHello("A.EXAMPLE")));
        seen.add("sni x.b.example -> " + client(sni, "127.0.0.1", 0, clientHello("x.b.example")));
        seen.add("no sni -> " + client(sni, "127.0.0.1", 0, clientHello(null)));
        seen.add("hello in two pieces -> " + client(sni, "127.0.0.1", 300, Arrays.copyOf(helloA, 20),
                Arrays.copyOfRange(helloA, 20, helloA.length)));
        seen.add("http -> " + client(sni, "127.0.0.1", 0,
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        seen.add("DENY -> " + client(sni, "127.0.0.1", 0, "DENY me".getBytes(StandardCharsets.US_ASCII)));
        seen.add("conn from 127.0.0.2 -> " + client(conn, "127.0.0.2", 0));
        seen.add("conn from 127.0.0.1 -> " + client(conn, "127.0.0.1", 0));
        seen.add("quiet client after the delay -> " + client(quiet, "127.0.0.1", 0));
        return seen;
    }

    /** The FRONTEND rows' refusal counters: name dcon dses dreq. */
    private static List<String> refusals(int api) throws Exception {
        String csv = RuntimeApiIT.socat("TCP:127.0.0.1:" + api, "show stat");
        List<String> header = List.of(csv.lines().findFirst().orElseThrow().substring(2).split(","));
        List<String> out = new ArrayList<>();
        csv.lines().filter(l -> l.contains(",FRONTEND,")).forEach(l -> {
            String[] f = l.split(",", -1);
            out.add(f[0] + " dcon=" + f[header.indexOf("dcon")] + " dses=" + f[header.indexOf("dses")] + " dreq="
                    + f[header.indexOf("dreq")]);
        });
        return out;
    }

    @Test
    void tls_is_routed_by_server_name_and_clients_are_refused_as_haproxy_does() throws Exception {
        Tools.require("haproxy");
        Tools.require("socat");
        try (TestServer a = TestServer.start(TestServer.named("a")); TestServer b = TestServer.start(TestServer.named("b"));
             TestServer web = TestServer.start(TestServer.named("web"));
             TestServer other = TestServer.start(TestServer.named("other"))) {
            int base = Ports.freeRange(8);
            String ours = config(base, base + 1, base + 2, base + 3, a, b, web, other);
            String theirs = config(base + 4, base + 5, base + 6, base + 7, a, b, web, other);
            List<String> expected;
            List<String> expectedRefusals;
            try (HaproxyServer reference = HaproxyServer.start("tcp-rules", theirs, base + 4)) {
                expected = run(base + 4, base + 5, base + 6);
                expectedRefusals = refusals(base + 7);
            }
            System.out.println("TcpRulesIT: HAProxy 2.6 gave\n  " + String.join("\n  ", expected) + "\n  "
                    + String.join("\n  ", expectedRefusals));
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("tcp-rules", ours), base)) {
                assertEquals(String.join("\n", expected), String.join("\n", run(base, base + 1, base + 2)));
                assertEquals(expectedRefusals, refusals(base + 3));
            }
            assertTrue(expected.contains("sni a.example -> a") && expected.contains("DENY -> closed"),
                    String.join("\n", expected));
        }
    }
}
