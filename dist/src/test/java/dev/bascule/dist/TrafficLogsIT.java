package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An operator's log parsers keep working: the same traffic through HAProxy 2.6 and Bascule, with the same
 * configuration, logs to a real rsyslogd, and the lines are the same field by field but for dates, pids, timers
 * and source ports. httplog, tcplog, clf and a custom log-format; successes, a server timeout, a refused
 * connection, a queue timeout, a client that gives up, a request too slow to arrive (408), an invalid one (400), one
 * denied by a rule (403). A chunked request body and a kept-alive connection for the sizes. Samples in a log-format,
 * {@code %tsc}'s persistence cookie letters, and {@code option dontlog-normal}. Captured
 * cookies, the server connection's source, {@code %Th}; {@code option logasap} on bodiless answers (what of a body
 * HAProxy counts in an early {@code %B} is what came in the head's read) and on a TCP session. And a backend's own
 * messages to its own target (a server going DOWN, no server left).
 */
class TrafficLogsIT {
    /** Frontend name -> what it logs and where it sends traffic; its port is base + index. */
    private static final List<String> FRONTENDS = List.of("www", "slow", "refused", "queued", "clf", "custom",
            "tcp", "cookies", "asap", "tcpasap", "denied", "samples", "sticky", "quiet");
    /** The captured cookies, the server connection's source, the handshake time (0 without TLS). */
    private static final String COOKIES = "%ci [%tr] %ft %b/%s %ST %CC %CS src=%bi:%bp Th=%Th %{+Q}r";
    /** Samples a log line may read once the request head is gone (HAProxy refuses the others). */
    private static final String SAMPLES = "%ci [%tr] %ft %b/%s %ST %[method] %[method,lower] %{+Q}[fe_name] %[be_name] "
            + "%[srv_name] %[src] %[int(7),add(3)] %[str(hello),upper] %[env(BASCULE_UNSET_IN_TESTS)] %{+Q}r";
    private static final String CUSTOM = "%ci:%cp [%tr] %ft %b/%s %ST %B %U %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq "
            + "%HM %HU %HP %HQ %HV %{+Q}r %{+Q}hr %hs";

    private static String config(int base, int logPort, int nginx, int slow, int refused, int messagesPort) {
        return """
                global
                    log 127.0.0.1:%2$d local0
                defaults
                    log global
                    mode http
                    option httplog
                    option dontlognull
                    timeout connect 1s
                    timeout client 3s
                    timeout server 1s
                    timeout queue 500ms
                    timeout http-request 500ms
                frontend www
                    bind 127.0.0.1:%1$d
                    capture request header Host len 20
                    capture response header Content-Type len 30
                    default_backend app
                frontend slow
                    bind 127.0.0.1:%3$d
                    default_backend slow
                frontend refused
                    bind 127.0.0.1:%4$d
                    default_backend refused
                frontend queued
                    bind 127.0.0.1:%5$d
                    default_backend queued
                frontend clf
                    bind 127.0.0.1:%6$d
                    option httplog clf
                    default_backend app
                frontend custom
                    bind 127.0.0.1:%7$d
                    log-format "%8$s"
                    capture request header User-Agent len 10
                    default_backend app
                frontend tcp
                    mode tcp
                    option tcplog
                    bind 127.0.0.1:%9$d
                    default_backend tcp
                backend app
                    server s1 127.0.0.1:%10$d
                backend slow
                    server s1 127.0.0.1:%11$d
                backend refused
                    server s1 127.0.0.1:%12$d
                backend queued
                    timeout server 5s
                    server s1 127.0.0.1:%11$d maxconn 1
                backend tcp
                    mode tcp
                    server s1 127.0.0.1:%10$d
                backend down
                    no log
                    log 127.0.0.1:%13$d local1
                    server s1 127.0.0.1:%12$d check inter 200
                frontend cookies
                    bind 127.0.0.1:%14$d
                    capture cookie JSESS len 14
                    log-format "%15$s"
                    default_backend app
                frontend asap
                    bind 127.0.0.1:%16$d
                    option logasap
                    default_backend app
                frontend tcpasap
                    mode tcp
                    option tcplog
                    option logasap
                    bind 127.0.0.1:%17$d
                    default_backend tcp
                frontend denied
                    bind 127.0.0.1:%18$d
                    http-request deny if { path_beg /admin }
                    default_backend app
                frontend samples
                    bind 127.0.0.1:%19$d
                    log-format "%20$s"
                    default_backend app
                frontend sticky
                    bind 127.0.0.1:%21$d
                    use_backend rewritten if { path /login }
                    default_backend inserted
                frontend quiet
                    bind 127.0.0.1:%22$d
                    option dontlog-normal
                    use_backend refused if { path /fail }
                    default_backend app
                backend inserted
                    cookie SRV insert indirect nocache
                    server s1 127.0.0.1:%10$d cookie a
                backend rewritten
                    cookie JSESSIONID rewrite
                    server s1 127.0.0.1:%10$d cookie a
                """.formatted(base, logPort, base + 1, base + 2, base + 3, base + 4, base + 5, CUSTOM, base + 6,
                nginx, slow, refused, messagesPort, base + 7, COOKIES, base + 8, base + 9, base + 10, base + 11,
                SAMPLES, base + 12, base + 13);
    }

    /** The lines a scenario makes, as the proxy at {@code base} logged them, normalized and sorted. */
    private interface Scenario {
        void run(int base) throws Exception;
    }

    @Test
    void bascule_logs_what_haproxy_logs_for_the_same_traffic() throws Exception {
        int haproxyBase = Ports.freeRange(FRONTENDS.size());
        int basculeBase = Ports.freeRange(FRONTENDS.size());
        int refused = Ports.free();
        try (NginxServer nginx = NginxServer.start("logs");
             TestServer slow = TestServer.start(TestServer.http(1500, Integer.MAX_VALUE,
                     new ConcurrentLinkedQueue<>()));
             RsyslogServer syslog = RsyslogServer.start("logs", 4)) {
            int haproxyLog = syslog.port(0);
            int basculeLog = syslog.port(1);
            try (HaproxyServer haproxy = HaproxyServer.start("logs", config(haproxyBase, haproxyLog, nginx.port,
                    slow.port(), refused, syslog.port(2)), haproxyBase);
                 Bascule bascule = Bascule.serve(Bascule.writeConfig("logs", config(basculeBase, basculeLog,
                         nginx.port, slow.port(), refused, syslog.port(3))), basculeBase)) {
                List<String> seen = new ArrayList<>();
                List<String> differences = new ArrayList<>();
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b, "/"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b, "/second-page"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 1, "/slow"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 2, "/"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 2, b -> twoAtOnce(b + 3));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> giveUp(b + 1));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> tooSlow(b));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> invalid(b));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 4, "/"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 5, "/custom?x=1"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> tcpSession(b + 6));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 5, "/" + "x".repeat(10)));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> chunkedPost(b + 5));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 2, b -> keptAlive(b + 5));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> withCookie(b + 7));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 7, "/"));
                // HEAD: what of a body comes in the read of the head is up to the network, and is in HAProxy's %B.
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 8, "/", "-I"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 8, "/login", "-I"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> tcpSession(b + 9));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 10, "/admin/users"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 11, "/s?q=1"));
                // %tsc's persistence letters: no cookie (inserted), the server's own, a stale one, a rewritten one.
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 12, "/"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1,
                        b -> curl(b + 12, "/", "-H", "Cookie: SRV=a"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1,
                        b -> curl(b + 12, "/", "-H", "Cookie: SRV=gone"));
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> curl(b + 12, "/login"));
                // option dontlog-normal: the success is not logged, the failure is.
                expectSame(syslog, haproxyBase, basculeBase, seen, differences, 1, b -> {
                    curl(b + 13, "/ok");
                    curl(b + 13, "/fail");
                });
                // The backend's own messages, to its own target: its server going DOWN, then no server left.
                List<String> h = normalize(syslog.await(syslog.port(2), 2).subList(0, 2));
                List<String> b = normalize(syslog.await(syslog.port(3), 2).subList(0, 2));
                for (int i = 0; i < 2; i++) {
                    if (!h.get(i).equals(b.get(i))) {
                        differences.add("- " + h.get(i) + "\n+ " + b.get(i));
                    }
                }
                assertEquals("", String.join("\n", differences), "HAProxy's lines (-) and Bascule's (+), normalized");
            }
        }
    }

    /** Runs the scenario on each proxy in turn and notes where the new lines differ. */
    private static void expectSame(RsyslogServer syslog, int haproxyBase, int basculeBase, List<String> seen,
                                   List<String> differences, int lines, Scenario scenario) throws Exception {
        int before = seen.size();
        scenario.run(haproxyBase);
        List<String> h = syslog.await(syslog.port(0), before + lines);
        scenario.run(basculeBase);
        List<String> b = syslog.await(syslog.port(1), before + lines);
        List<String> expected = normalize(h.subList(before, h.size()));
        List<String> actual = normalize(b.subList(before, b.size()));
        if (actual.size() != expected.size()) {
            differences.add("HAProxy logged " + expected.size() + " lines, Bascule " + actual.size() + ": " + actual);
        }
        seen.addAll(expected);
        for (int i = 0; i < lines; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                differences.add("- " + expected.get(i) + "\n+ " + actual.get(i));
            }
        }
    }

    /** Dates, pids, timers and source ports out; the rest must be the same. */
    static List<String> normalize(List<String> lines) {
        List<UnaryOperator<String>> rules = List.of(
                l -> l.replaceFirst("^(<\\d+>)\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ", "$1DATE "),
                l -> l.replaceFirst("^(<\\d+>DATE \\S+)\\[\\d+\\]: ", "$1[PID]: "),
                l -> l.replaceFirst("check duration: \\d+ms", "check duration: TIMER"),
                l -> l.replaceAll("127\\.0\\.0\\.1:\\d+ \\[", "127.0.0.1:PORT ["),
                l -> l.replaceAll("src=127\\.0\\.0\\.1:\\d+ ", "src=127.0.0.1:PORT "),
                l -> l.replaceAll("\\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?( [+-]\\d{4})?\\]", "[DATE]"),
                // httplog and tcplog: the timers follow the backend/server field.
                l -> l.replaceFirst("(\\[DATE\\] \\S+ \\S+/\\S+ )[-+\\d/]+ ", "$1TIMERS "),
                // clf: the source port, the accept date's milliseconds and the five timers by position.
                l -> l.replaceFirst("(\"\" \"\" )\\d+ \\d+ (\\S+ \\S+ \\S+ )[-\\d]+ [-\\d]+ [-\\d]+ [-\\d]+ [-\\d]+ ",
                        "$1PORT MS $2TIMERS "));
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            for (UnaryOperator<String> r : rules) {
                l = r.apply(l);
            }
            out.add(l);
        }
        out.sort(null);
        return out;
    }

    private static void curl(int port, String path, String... more) throws Exception {
        // The same Host both ways: the proxies listen on different ports.
        List<String> args = new ArrayList<>(List.of("-H", "Host: logs.example", "-H", "User-Agent: logs-test"));
        args.addAll(List.of(more));
        args.add("http://127.0.0.1:" + port + path);
        Curl.run(args.toArray(new String[0]));
    }

    /** A request body in chunks, and a response with a header more: %U and %B without the chunk framing. */
    private static void chunkedPost(int port) throws Exception {
        Curl.run("-H", "Host: logs.example", "-H", "User-Agent: logs-test", "-H", "Transfer-Encoding: chunked",
                "--data-binary", "hello", "http://127.0.0.1:" + port + "/login");
    }

    /**
     * A request with cookies, blanks around the captured one's {@code =}, to a page that sets one: {@code %CC} and
     * {@code %CS} cut at the capture's length.
     */
    private static void withCookie(int port) throws Exception {
        Curl.run("-H", "Host: logs.example", "-H", "User-Agent: logs-test", "-H", "Cookie: a=1; JSESSIONID = xyz789",
                "http://127.0.0.1:" + port + "/login");
    }

    /** Two requests on one connection. */
    private static void keptAlive(int port) throws Exception {
        Curl.output(10, "-o", "/dev/null", "-o", "/dev/null", "-H", "Host: logs.example", "-H", "User-Agent: logs-test",
                "http://127.0.0.1:" + port + "/one", "http://127.0.0.1:" + port + "/two?q=2");
    }

    /** Two requests at once to a server that takes one at a time: the second waits, then times out in queue. */
    private static void twoAtOnce(int port) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> {
                curl(port, "/first");
                return null;
            });
            Thread.sleep(200);
            Future<?> b = pool.submit(() -> {
                curl(port, "/second");
                return null;
            });
            a.get();
            b.get();
        } finally {
            pool.shutdownNow();
        }
    }

    /** A client that sends its request, then leaves before the slow server answers. */
    static void giveUp(int port) throws Exception {
        try (Socket s = connect(port)) {
            s.getOutputStream().write("GET /give-up HTTP/1.1\r\nHost: l\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(300);
        }
        Thread.sleep(1500);
    }

    /** Half a request head, then nothing until timeout http-request: 408. */
    private static void tooSlow(int port) throws Exception {
        try (Socket s = connect(port)) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: l\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readAllBytes();
        }
    }

    /** A header name with a space: 400 from the connection, before any stream. */
    static void invalid(int port) throws Exception {
        try (Socket s = connect(port)) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHo st: l\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readAllBytes();
        }
    }

    /** A TCP session: an HTTP/1.0 request through the tcp frontend, read to the end. */
    private static void tcpSession(int port) throws Exception {
        try (Socket s = connect(port)) {
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            in.readAllBytes();
        }
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        s.setSoTimeout(10_000);
        return s;
    }
}
