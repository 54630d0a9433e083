package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator balances a web pool by what requests carry (their URI, a parameter, a header, any sample
 * expression) or keeps each visitor on one server with a cookie. Bascule and a real HAProxy given the same
 * configuration send every request to the same server.
 */
class HttpBalancingIT {
    /** The balance lines under test, each in its own listen section. */
    private static final List<String> ALGORITHMS = List.of(
            "balance uri",
            "balance uri depth 2\n    hash-type consistent",
            "balance uri whole len 12\n    hash-type map-based djb2",
            "balance url_param user\n    hash-type consistent crc32",
            "balance hdr(X-Tenant)\n    hash-type map-based wt6 avalanche",
            "balance hdr(Host) use_domain_only",
            "balance hash req.hdr(host),lower\n    hash-type consistent sdbm");

    private static String config(int[] ports, NginxServer... web) {
        StringBuilder b = new StringBuilder(HttpModeIT.config(""));
        for (int i = 0; i < ALGORITHMS.size(); i++) {
            b.append("listen l").append(i).append("\n    bind 127.0.0.1:").append(ports[i]).append("\n    ")
                    .append(ALGORITHMS.get(i)).append('\n');
            for (int s = 0; s < web.length; s++) {
                b.append("    server s").append(s).append(" 127.0.0.1:").append(web[s].port)
                        .append(s == 2 ? " weight 3" : "").append('\n');
            }
        }
        return b.toString();
    }

    /** The servers that answered, one per request, each request on its own curl connection. */
    private static List<String> answers(int port, int keys) throws Exception {
        List<String> args = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            String url = "http://127.0.0.1:" + port + "/" + k + "/app?user=u" + (k * 7) + "&x=" + k;
            args.addAll(List.of("-H", "X-Tenant: tenant-" + k, "-H", "Host: www.Site" + k + ".COM", url,
                    "--next"));
        }
        args.remove(args.size() - 1);
        String out = Curl.output(60, args.toArray(new String[0]));
        return Arrays.asList(out.trim().split("\n"));
    }

    @Test
    void each_key_goes_to_the_server_haproxy_chooses() throws Exception {
        Tools.require("haproxy");
        try (NginxServer a = NginxServer.start("hash-a"); NginxServer b = NginxServer.start("hash-b");
             NginxServer c = NginxServer.start("hash-c"); NginxServer d = NginxServer.start("hash-d")) {
            int[] bascule = new int[ALGORITHMS.size()];
            int[] haproxy = new int[ALGORITHMS.size()];
            for (int i = 0; i < bascule.length; i++) {
                bascule[i] = Ports.free();
                haproxy[i] = Ports.free();
            }
            Path cfg = Bascule.writeConfig("http-hash", config(bascule, a, b, c, d));
            try (Bascule proxy = Bascule.serve(cfg, bascule[0]);
                 HaproxyServer reference = HaproxyServer.start("http-hash", config(haproxy, a, b, c, d), haproxy[0])) {
                for (int i = 0; i < ALGORITHMS.size(); i++) {
                    List<String> ours = answers(bascule[i], 40);
                    List<String> theirs = answers(haproxy[i], 40);
                    assertEquals(40, theirs.size(), theirs.toString());
                    assertEquals(theirs, ours, ALGORITHMS.get(i));
                    assertTrue(ours.stream().distinct().count() > 1, ALGORITHMS.get(i) + ": keys spread over servers: " + ours);
                }
            }
        }
    }

    @Test
    void a_cookie_keeps_a_visitor_on_its_server_until_that_server_goes_down() throws Exception {
        try (NginxServer a = NginxServer.start("ck-a"); NginxServer b = NginxServer.start("ck-b")) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("cookie-insert", HttpModeIT.config("""
                    listen www
                        bind 127.0.0.1:%d
                        balance roundrobin
                        cookie SERVERID insert indirect nocache httponly
                        server a 127.0.0.1:%d cookie ck-a check inter 200ms fall 1
                        server b 127.0.0.1:%d cookie ck-b check inter 200ms fall 1
                    """.formatted(port, a.port, b.port)));
            Path jar = Bascule.workDir("cookie-jar").resolve("jar.txt");
            Files.deleteIfExists(jar);
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String url = "http://127.0.0.1:" + port;
                Curl.Reply first = Curl.run("-c", jar.toString(), url + "/");
                String server = first.body().trim();
                // Header names travel in lower case, as HAProxy 2.x sends them.
                assertTrue(first.headers().contains("set-cookie: SERVERID=" + server + "; path=/; HttpOnly"),
                        first.headers());
                assertTrue(first.headers().contains("cache-control: private"), first.headers());
                for (int i = 0; i < 4; i++) {
                    Curl.Reply again = Curl.run("-b", jar.toString(), url + "/");
                    assertEquals(server, again.body().trim(), "the cookie holds the visitor on " + server);
                    assertTrue(!again.headers().contains("set-cookie"), "indirect: nothing to set again");
                }
                // indirect: the application never sees the proxy's cookie, but sees the visitor's own ones.
                assertEquals("theme=dark", Curl.run("-b", jar.toString(), "-b", "theme=dark", url + "/cookie")
                        .body().trim());
                // Without the cookie, round robin goes on.
                assertNotEquals(Curl.run(url + "/").body().trim(), Curl.run(url + "/").body().trim());
                // The visitor's server goes down: the cookie is ignored and replaced.
                NginxServer mine = server.equals("ck-a") ? a : b;
                mine.close();
                Thread.sleep(1000);
                Curl.Reply moved = Curl.run("-b", jar.toString(), url + "/");
                String other = server.equals("ck-a") ? "ck-b" : "ck-a";
                assertEquals(other, moved.body().trim());
                assertTrue(moved.headers().contains("set-cookie: SERVERID=" + other), moved.headers());
            }
        }
    }

    @Test
    void prefix_mode_extends_the_applications_session_cookie() throws Exception {
        try (NginxServer a = NginxServer.start("pf-a"); NginxServer b = NginxServer.start("pf-b")) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("cookie-prefix", HttpModeIT.config("""
                    listen www
                        bind 127.0.0.1:%d
                        cookie JSESSIONID prefix
                        server a 127.0.0.1:%d cookie A
                        server b 127.0.0.1:%d cookie B
                    """.formatted(port, a.port, b.port)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String url = "http://127.0.0.1:" + port;
                Curl.Reply login = Curl.run(url + "/login");
                String server = login.body().trim();
                String prefix = server.equals("pf-a") ? "A" : "B";
                assertTrue(login.headers().contains("set-cookie: JSESSIONID=" + prefix + "~abc123; Path=/"),
                        login.headers());
                for (int i = 0; i < 3; i++) {
                    assertEquals("JSESSIONID=abc123", Curl.run("-b", "JSESSIONID=" + prefix + "~abc123",
                            url + "/cookie").body().trim(), "the application gets its own value back");
                }
                // And the request went to the server the prefix names, every time.
                for (int i = 0; i < 3; i++) {
                    assertEquals(server, Curl.run("-b", "JSESSIONID=" + prefix + "~abc123", url + "/").body().trim());
                }
            }
        }
    }

    /**
     * maxconn 1 and maxqueue 1 on the server a URI hashes to: a second request for that URI waits for it, a
     * third finds its queue full and is served by another server, as HAProxy redistributes.
     */
    @Test
    void a_full_server_queues_its_own_requests_up_to_maxqueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean hold = new AtomicBoolean();
        TestServer slow = TestServer.start((socket, server) -> {
            readHead(socket.getInputStream());
            try {
                if (hold.get()) {
                    release.await(20, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nslow\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
        });
        try (NginxServer fast = NginxServer.start("q-fast")) {
            int port = Ports.free();
            int stats = Ports.free();
            Path cfg = Bascule.writeConfig("maxqueue", """
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 20s
                        timeout server 20s
                        timeout queue 20s
                    listen www
                        bind 127.0.0.1:%d
                        balance url_param k
                        server slow 127.0.0.1:%d maxconn 1 maxqueue 1
                        server fast 127.0.0.1:%d
                    listen stats
                        bind 127.0.0.1:%d
                        stats enable
                        stats uri /stats
                    """.formatted(port, slow.port(), fast.port, stats));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                String key = keyFor(port);
                hold.set(true);
                try (Socket one = request(port, "/?k=" + key); Socket two = request(port, "/?k=" + key)) {
                    awaitCsv(stats, "www,slow,", 2, "1");
                    // The server's queue is full: the third goes elsewhere at once.
                    assertEquals("q-fast", Curl.run("http://127.0.0.1:" + port + "/?k=" + key).body().trim());
                    release.countDown();
                    assertTrue(response(one).endsWith("slow\n"));
                    assertTrue(response(two).endsWith("slow\n"), "the queued request was served by its server");
                }
            }
        } finally {
            release.countDown();
            slow.close();
        }
    }

    /**
     * retry-on: a server that drops requests without a word and one that answers 503 are tried first (round
     * robin), and the request is sent again to the healthy one; without retry-on the client sees HAProxy's 502.
     */
    @Test
    void retry_on_sends_a_failed_request_again() throws Exception {
        TestServer dropper = TestServer.start((socket, server) -> readHead(socket.getInputStream()));
        TestServer busy = TestServer.start((socket, server) -> {
            readHead(socket.getInputStream());
            socket.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nbusy\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
        });
        try (NginxServer web = NginxServer.start("retry-ok")) {
            int port = Ports.free();
            int plain = Ports.free();
            int stats = Ports.free();
            Path cfg = Bascule.writeConfig("retry-on", HttpModeIT.config("""
                    listen www
                        bind 127.0.0.1:%d
                        retry-on empty-response 503
                        option redispatch
                        server dropper 127.0.0.1:%d
                        server busy 127.0.0.1:%d
                        server ok 127.0.0.1:%d
                    listen plain
                        bind 127.0.0.1:%d
                        server dropper 127.0.0.1:%d
                    listen stats
                        bind 127.0.0.1:%d
                        stats enable
                        stats uri /stats
                    """.formatted(port, dropper.port(), busy.port(), web.port, plain, dropper.port(), stats)));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                for (int i = 0; i < 6; i++) {
                    Curl.Reply r = Curl.run("http://127.0.0.1:" + port + "/");
                    assertEquals(200, r.status());
                    assertEquals("retry-ok", r.body().trim());
                }
                assertEquals(502, Curl.run("http://127.0.0.1:" + plain + "/").status());
                // wretr (column 15) counts the retries on each server.
                String csv = Curl.output(5, "http://127.0.0.1:" + stats + "/stats;csv");
                for (String name : List.of("dropper", "busy")) {
                    String row = Arrays.stream(csv.split("\n")).filter(l -> l.startsWith("www," + name + ","))
                            .findFirst().orElseThrow();
                    assertTrue(Integer.parseInt(row.split(",", -1)[15]) > 0, row);
                }
            }
        } finally {
            dropper.close();
            busy.close();
        }
    }

    /** A url_param value that hashes to the server answering "slow". */
    private static String keyFor(int port) throws Exception {
        for (int k = 0; k < 40; k++) {
            if (Curl.output(5, "http://127.0.0.1:" + port + "/?k=" + k).trim().equals("slow")) {
                return String.valueOf(k);
            }
        }
        throw new AssertionError("no key hashed to the slow server");
    }

    private static Socket request(int port, String path) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }

    private static String response(Socket s) throws Exception {
        return new String(s.getInputStream().readNBytes(4096), StandardCharsets.ISO_8859_1);
    }

    private static void readHead(InputStream in) throws java.io.IOException {
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
        }
    }

    /** Waits until the CSV row starting with {@code row} has {@code value} in column {@code column}. */
    private static void awaitCsv(int statsPort, String row, int column, String value) throws Exception {
        String last = "";
        for (int i = 0; i < 100; i++) {
            for (String line : Curl.output(5, "http://127.0.0.1:" + statsPort + "/stats;csv").split("\n")) {
                if (line.startsWith(row)) {
                    last = line;
                    if (line.split(",", -1)[column].equals(value)) {
                        return;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("column " + column + " of " + row + " never became " + value + ": " + last);
    }
}
