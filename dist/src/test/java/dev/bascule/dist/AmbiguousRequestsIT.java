package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A proxy in front of servers that disagree with each other must not pass an ambiguous request on. The same
 * requests go through a real HAProxy 2.6 and through Bascule, each in front of a server that notes what it
 * receives: the status and what reached the server must be the same (header names compared without case,
 * as HAProxy sends them lowercased, and without the Connection header each proxy writes its own way).
 */
class AmbiguousRequestsIT {
    /** A request, HAProxy 2.6.12's status for it (measured), and whether a server may see any of it. */
    private record Vector(String name, String request, int status) {
    }

    private static final String WS = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n";

    private static final List<Vector> COMPLETE = List.of(
            new Vector("absolute form naming another site than Host",
                    "GET http://evil.example/x HTTP/1.1\r\nHost: good.example\r\n\r\n", 400),
            new Vector("absolute form naming Host's site",
                    "GET http://good.example/x HTTP/1.1\r\nHost: good.example\r\n\r\n", 200),
            new Vector("absolute form with the default port, Host without",
                    "GET http://good.example:80/x HTTP/1.1\r\nHost: Good.Example\r\n\r\n", 200),
            new Vector("absolute form with https's default port on http",
                    "GET http://a.example:443/x HTTP/1.1\r\nHost: a.example\r\n\r\n", 400),
            new Vector("two different Hosts", "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n", 400),
            new Vector("a Host and an empty Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: \r\n\r\n", 400),
            new Vector("the same Host twice", "GET / HTTP/1.1\r\nHost: a.example\r\nHost: a.example\r\n\r\n", 200),
            new Vector("the same Content-Length twice",
                    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab", 200),
            new Vector("a Content-Length list of one length",
                    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2\r\n\r\nab", 200),
            new Vector("a Content-Length list of two lengths",
                    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 3\r\n\r\nab", 400),
            new Vector("a fragment in the target", "GET /x?a=1#frag HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            new Vector("a header name of 255 bytes", "GET / HTTP/1.1\r\nHost: a\r\n" + "X".repeat(255) + ": v\r\n\r\n",
                    200),
            new Vector("a header name of 256 bytes", "GET / HTTP/1.1\r\nHost: a\r\n" + "X".repeat(256) + ": v\r\n\r\n",
                    400),
            new Vector("a WebSocket upgrade without a key", WS + "\r\n", 400),
            new Vector("a WebSocket upgrade with a short key", WS + "Sec-WebSocket-Key: short\r\n\r\n", 400),
            new Vector("a WebSocket upgrade named in capitals, without a key",
                    "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: WebSocket\r\n\r\n", 400),
            new Vector("a chunk followed by a bad chunk size",
                    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n", 400),
            new Vector("a chunk longer than its size",
                    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n", 400));

    /** Heads not complete yet, already invalid: refused at once, not at {@code timeout http-request}. */
    private static final List<Vector> INCOMPLETE = List.of(
            new Vector("a control character in the method", "G\u0001T / HTTP/1.1\r\nHost: a", 400),
            new Vector("a separator in the method", "G(ET", 400),
            new Vector("a DEL in the target", "GET /\u007f HTTP/1.1\r\nHost", 400),
            new Vector("a third word that is no version", "GET /a b", 400),
            new Vector("a lowercase version", "GET / http/1.1\r\nHo", 400),
            new Vector("a separator in a header name", "GET / HTTP/1.1\r\nHo(st: a\r\nX", 400),
            new Vector("a header line without a colon", "GET / HTTP/1.1\r\nHost a\r\nX", 400));

    private static String config(int port, int server) {
        return """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                    timeout http-request 5s
                frontend www
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    server s1 127.0.0.1:%d
                """.formatted(port, server);
    }

    @Test
    void requests_servers_could_read_two_ways_are_refused_or_made_one_as_haproxy_does() throws Exception {
        Queue<String> seenByHaproxys = new ConcurrentLinkedQueue<>();
        Queue<String> seenByBascules = new ConcurrentLinkedQueue<>();
        try (TestServer behindHaproxy = TestServer.start(TestServer.recording(seenByHaproxys));
             TestServer behindBascule = TestServer.start(TestServer.recording(seenByBascules))) {
            int first = Ports.freeRange(2);
            int[] ports = {first, first + 1};
            try (HaproxyServer haproxy = HaproxyServer.start("ambiguous", config(ports[0], behindHaproxy.port()),
                    ports[0]);
                 Bascule bascule = Bascule.serve(Bascule.writeConfig("ambiguous",
                         config(ports[1], behindBascule.port())), ports[1])) {
                List<String> differences = new ArrayList<>();
                for (Vector v : COMPLETE) {
                    Exchange ref = exchange(ports[0], v.request(), behindHaproxy, seenByHaproxys);
                    Exchange got = exchange(ports[1], v.request(), behindBascule, seenByBascules);
                    if (ref.status() != v.status()) {
                        differences.add(v.name() + ": HAProxy answered " + ref.status() + ", not " + v.status()
                                + " as measured");
                    }
                    if (got.status() != ref.status() || !got.serverSaw().equals(ref.serverSaw())) {
                        differences.add(v.name() + ": HAProxy " + ref + ", Bascule " + got);
                    }
                }
                for (Vector v : INCOMPLETE) {
                    long start = System.nanoTime();
                    Exchange got = exchange(ports[1], v.request(), behindBascule, seenByBascules);
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    if (got.status() != v.status() || ms > 2_000 || !got.serverSaw().isEmpty()) {
                        differences.add(v.name() + ": Bascule " + got + " after " + ms + " ms");
                    }
                }
                assertTrue(differences.isEmpty(), String.join("\n", differences));
                assertEquals(200, exchange(ports[1], "GET / HTTP/1.1\r\nHost: a\r\n\r\n", behindBascule,
                        seenByBascules).status(), "the proxy lives on");
            }
        }
    }

    /** The status a proxy answered, and what its server received of the request (normalized), if anything. */
    private record Exchange(int status, List<String> serverSaw) {
    }

    private static Exchange exchange(int port, String request, TestServer server, Queue<String> seen)
            throws Exception {
        seen.clear();
        int connectionsBefore = server.ended.get();
        int connectionsOpened = server.connections.get();
        String reply;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(8000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            reply = firstLine(s.getInputStream());
        }
        // Whatever the server was sent arrives within its quiet time once the proxy closed that connection.
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (server.ended.get() - connectionsBefore < server.connections.get() - connectionsOpened
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<String> saw = new ArrayList<>();
        for (String got : seen) {
            if (!got.isEmpty()) {
                saw.addAll(normalized(got));
            }
        }
        int status = reply.startsWith("HTTP/1.1 ") ? Integer.parseInt(reply.substring(9, 12)) : -1;
        return new Exchange(status, saw);
    }

    /** The request line, the header lines lowercased and sorted without Connection, then the body. */
    private static List<String> normalized(String got) {
        int end = got.indexOf("\r\n\r\n");
        String head = end < 0 ? got : got.substring(0, end);
        List<String> lines = new ArrayList<>(Arrays.asList(head.split("\r\n")));
        List<String> out = new ArrayList<>();
        out.add(lines.remove(0));
        lines.stream().map(l -> l.toLowerCase(java.util.Locale.ROOT)).filter(l -> !l.startsWith("connection:"))
                .sorted().forEach(out::add);
        out.add("body: " + (end < 0 ? "(head incomplete)" : got.substring(end + 4)));
        return out;
    }

    private static String firstLine(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
                out.write(b);
            }
        } catch (SocketTimeoutException e) {
            return "(no answer)";
        }
        return out.toString(StandardCharsets.ISO_8859_1).trim();
    }
}
