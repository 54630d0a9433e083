package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxies' own messages reach the targets HAProxy 2.6 sends them to, in its words and at its levels: the same
 * signals to HAProxy and Bascule on the same configuration, through a real rsyslogd. A pause and a resume (SIGTTOU,
 * SIGTTIN), then a soft stop (SIGUSR1) that {@code hard-stop-after} cuts short while a client holds a connection:
 * each proxy's lines go to its own targets (the global ones with {@code log global}), the process's hard-stop line
 * to the global ones, a proxy without a target gets none. And without a log format, the Connect line of each request,
 * none for the connection that never sent a whole head. And a checked server's health lines (option log-health-checks)
 * going DOWN, then UP. Left out: HAProxy's lines for its internal
 * {@code <HTTPCLIENT>} proxy and its "Some tasks resisted to hard-stop" (Bascule has neither).
 */
class ProxyMessagesIT {
    private static String config(int base, int global, int own, int server, int check) {
        return """
                global
                    log 127.0.0.1:%2$d local0 debug
                    hard-stop-after 1s
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 10s
                    timeout server 10s
                frontend fe_own
                    bind 127.0.0.1:%1$d
                    log 127.0.0.1:%3$d local1 debug
                    default_backend be
                frontend fe_glob
                    bind 127.0.0.1:%4$d
                    log global
                    default_backend be
                frontend fe_none
                    bind 127.0.0.1:%5$d
                    default_backend be
                listen li
                    bind 127.0.0.1:%6$d
                    log global
                    mode tcp
                    server s1 127.0.0.1:%7$d
                backend be
                    log global
                    server s1 127.0.0.1:%7$d
                backend chk
                    log global
                    option log-health-checks
                    server s1 127.0.0.1:%8$d check inter 200 fall 1 rise 1
                """.formatted(base, global, own, base + 1, base + 2, base + 3, server, check);
    }

    @Test
    void pause_resume_soft_and_hard_stop_lines_are_haproxys() throws Exception {
        int haproxyBase = Ports.freeRange(4);
        int basculeBase = Ports.freeRange(4);
        try (NginxServer nginx = NginxServer.start("messages");
             RsyslogServer syslog = RsyslogServer.start("messages", 4)) {
            int server = nginx.port;
            int haproxyCheck = Ports.free();
            int basculeCheck = Ports.free();
            try (HaproxyServer haproxy = HaproxyServer.start("messages",
                    config(haproxyBase, syslog.port(0), syslog.port(1), server, haproxyCheck), haproxyBase + 3);
                 ServerSocket up = downThenUp(syslog, syslog.port(0), haproxyCheck)) {
                pauseAndResume(haproxy::signal, haproxyBase, syslog, syslog.port(1));
                try (Socket held = holding(haproxyBase)) {
                    haproxy.signal("USR1");
                    assertTrue(haproxy.awaitExit(10_000), "HAProxy stops within hard-stop-after and a second");
                }
            }
            try (Bascule bascule = Bascule.serve(Bascule.writeConfig("messages",
                    config(basculeBase, syslog.port(2), syslog.port(3), server, basculeCheck)), basculeBase + 3);
                 ServerSocket up = downThenUp(syslog, syslog.port(2), basculeCheck)) {
                pauseAndResume(bascule::signal, basculeBase, syslog, syslog.port(3));
                try (Socket held = holding(basculeBase)) {
                    bascule.signal("USR1");
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (bascule.process.isAlive() && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertTrue(!bascule.process.isAlive(), "Bascule stops within hard-stop-after and a second");
                }
            }
            List<String> differences = new ArrayList<>();
            compare(normalize(syslog.lines(syslog.port(0))), normalize(syslog.lines(syslog.port(2))), differences);
            compare(normalize(syslog.lines(syslog.port(1))), normalize(syslog.lines(syslog.port(3))), differences);
            assertEquals("", String.join("\n", differences), "HAProxy's lines (-) and Bascule's (+), normalized");
        }
    }

    /**
     * The checked server is refused until it goes DOWN, then listens (the kernel completes the checks' handshakes)
     * until it is UP: option log-health-checks' lines and the state changes.
     */
    private static ServerSocket downThenUp(RsyslogServer syslog, int global, int port) throws Exception {
        awaitLine(syslog, global, "Server chk/s1 is DOWN");
        ServerSocket s = new ServerSocket(port, 500, InetAddress.getLoopbackAddress());
        awaitLine(syslog, global, "Server chk/s1 is UP");
        return s;
    }

    private static void awaitLine(RsyslogServer syslog, int port, String text) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (syslog.lines(port).stream().noneMatch(l -> l.contains(text))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' on " + port + ": " + syslog.lines(port));
            }
            Thread.sleep(20);
        }
    }

    private interface Signal {
        void send(String name) throws Exception;
    }

    /** Two requests, then SIGTTOU and SIGTTIN, each once the proxy's own target has the lines before. */
    private static void pauseAndResume(Signal proxy, int base, RsyslogServer syslog, int own) throws Exception {
        keptAlive(base);
        syslog.await(own, 2);
        proxy.send("TTOU");
        syslog.await(own, 3);
        proxy.send("TTIN");
        syslog.await(own, 4);
    }

    /** Two requests on one connection: without a log format, HAProxy writes its Connect line for each. */
    private static void keptAlive(int port) throws Exception {
        Curl.output(10, "-s", "-o", "/dev/null", "-o", "/dev/null", "http://127.0.0.1:" + port + "/a",
                "http://127.0.0.1:" + port + "/b");
    }

    /** A client that has sent half a request head and waits: the soft stop cannot end before hard-stop-after. */
    private static Socket holding(int port) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(200);
        return s;
    }

    private static void compare(List<String> expected, List<String> actual, List<String> differences) {
        if (!expected.equals(actual)) {
            differences.add("- " + String.join("\n- ", expected) + "\n+ " + String.join("\n+ ", actual));
        }
    }

    /** Dates and pids out, HAProxy's own internal proxy out; sorted (the order across proxies is not HAProxy's). */
    private static List<String> normalize(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.contains("<HTTPCLIENT>") || l.contains("Some tasks resisted to hard-stop")) {
                continue;
            }
            out.add(l.replaceFirst("check duration: \\d+ms", "check duration: TIMER")
                    .replaceFirst("^(<\\d+>)\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d (\\S+)\\[\\d+\\]: ", "$1DATE $2[PID]: ")
                    .replaceFirst("Connect from 127\\.0\\.0\\.1:\\d+ to 127\\.0\\.0\\.1:\\d+ ",
                            "Connect from 127.0.0.1:PORT to 127.0.0.1:PORT "));
        }
        out.sort(null);
        return out;
    }
}
