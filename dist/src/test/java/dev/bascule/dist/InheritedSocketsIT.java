package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A test harness starts Bascule as HAProxy's own harnesses and socket-activating supervisors start HAProxy: it binds
 * the sockets itself, in blocking mode, and passes them as file descriptors 3 and up, named in the environment
 * ({@code stats socket fd@${cli}}). Bascule serves on them, accepting without ever blocking its event loop.
 */
class InheritedSocketsIT {
    /**
     * The harness: opens the sockets its arguments name, in order, as file descriptors 3, 4, ... ({@code unix:PATH}
     * a listening Unix socket, {@code tcp:PORT} a listening TCP socket on loopback, {@code connect:PATH} a Unix
     * socket connected there, {@code sockpair:PORT} one end of a socketpair over which a forked helper sends each
     * connection it accepts on PORT, as HAProxy's sockpair@ expects), each left in blocking mode as Python makes
     * them, then execs the command after {@code --}. A helper ends when the proxy closes its end, or after 120 s.
     */
    private static final String HARNESS = """
            import os, select, socket, sys, time
            end = sys.argv.index("--")
            kept = []
            for n, spec in enumerate(sys.argv[1:end]):
                kind, _, where = spec.partition(":")
                if kind == "sockpair":
                    s, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
                    if os.fork() == 0:
                        s.close()
                        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                        ls.bind(("127.0.0.1", int(where)))
                        ls.listen(128)
                        deadline = time.time() + 120
                        while time.time() < deadline:
                            ready = select.select([ls, theirs], [], [], 1)[0]
                            if theirs in ready:
                                os._exit(0)
                            if ls in ready:
                                c = ls.accept()[0]
                                socket.send_fds(theirs, [b"\\0"], [c.fileno()])
                                c.close()
                        os._exit(0)
                    theirs.close()
                elif kind == "tcp":
                    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind(("127.0.0.1", int(where)))
                    s.listen(128)
                else:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    if kind == "unix":
                        s.bind(where)
                        s.listen(16)
                    else:
                        s.connect(where)
                kept.append(s)
                if s.fileno() != 3 + n:
                    os.dup2(s.fileno(), 3 + n)
                os.set_inheritable(3 + n, True)
            os.execv(sys.argv[end + 1], sys.argv[end + 1:])
            """;

    @Test
    void a_stats_socket_a_listener_and_a_log_target_on_descriptors_the_harness_passed() throws Exception {
        String python = Tools.require("python3");
        Tools.require("socat");
        Tools.require("curl");
        int port = Ports.free();
        Path dir = Bascule.workDir("inherited");
        Path cli = dir.resolve("cli.sock");
        Path logs = dir.resolve("log.sock");
        Path cfg = dir.resolve("haproxy.cfg");
        try (TestServer web = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, new java.util.concurrent
                .ConcurrentLinkedQueue<>()));
             ServerSocketChannel collector = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            collector.bind(UnixDomainSocketAddress.of(logs));
            // As the harness writes it: the descriptor's number from the environment, unquoted.
            Files.writeString(cfg, """
                    global
                        stats socket fd@${cli} level admin
                        log fd@${logfd} format raw local0
                    defaults
                        mode http
                        log global
                        option httplog
                        timeout connect 2s
                        timeout client 5s
                        timeout server 5s
                    frontend fe
                        bind fd@${fe}
                        default_backend app
                    backend app
                        server web 127.0.0.1:%d
                    """.formatted(web.port()));
            Path script = dir.resolve("harness.py");
            Files.writeString(script, HARNESS);
            CompletableFuture<SocketChannel> logConnection = CompletableFuture.supplyAsync(() -> {
                try {
                    return collector.accept();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (Bascule b = Bascule.wrapped(dir, Map.of("cli", "3", "fe", "4", "logfd", "5"), List.of(python,
                    script.toString(), "unix:" + cli, "tcp:" + port, "connect:" + logs, "--"),
                    "-db", "-f", cfg.toString())) {
                waitFor(() -> RuntimeApiIT.socat("unix-connect:" + cli, "show info").contains("Name:"), b);
                // The listener was given in blocking mode: Bascule made it non-blocking (O_NONBLOCK, 04000).
                String fdinfo = Files.readString(Path.of("/proc", String.valueOf(b.pid()), "fdinfo", "4"));
                long flags = Long.parseLong(fdinfo.lines().filter(l -> l.startsWith("flags:")).findFirst()
                        .orElseThrow().split("\\s+")[1], 8);
                assertTrue((flags & 04000) != 0, "fd 4 is still blocking: " + fdinfo);
                // A burst of clients on the inherited listener, all served: the loop accepts until the queue is
                // empty and goes on serving (a blocking accept would hang it after the burst).
                List<CompletableFuture<String>> burst = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    burst.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return Curl.output(10, "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                    "http://127.0.0.1:" + port + "/");
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }));
                }
                for (CompletableFuture<String> f : burst) {
                    assertEquals("200", f.get(20, TimeUnit.SECONDS));
                }
                String stat = RuntimeApiIT.socat("unix-connect:" + cli, "show stat");
                assertTrue(stat.lines().anyMatch(l -> l.startsWith("fe,FRONTEND,") && l.split(",")[7].equals("20")),
                        stat);
                // The traffic log went to the inherited socket, which /proc/self/fd could not have reopened.
                try (BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(
                        logConnection.get(10, TimeUnit.SECONDS)), StandardCharsets.UTF_8))) {
                    String line = in.readLine();
                    assertTrue(line != null && line.contains("fe app/web") && line.contains(" 200 "), line);
                }
            }
        }
    }

    /** The master CLI too: {@code -S fd@3}, on a socket the harness bound. */
    @Test
    void the_master_cli_on_a_descriptor_the_harness_passed() throws Exception {
        String python = Tools.require("python3");
        Tools.require("socat");
        int port = Ports.free();
        Path dir = Bascule.workDir("inherited-master");
        Path cli = dir.resolve("master.sock");
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, TcpProxyIT.config("""
                listen svc
                    bind 127.0.0.1:%d
                    server s1 127.0.0.1:%d
                """.formatted(port, Ports.free())));
        Path script = dir.resolve("harness.py");
        Files.writeString(script, HARNESS);
        try (Bascule b = Bascule.wrapped(dir, Map.of(), List.of(python, script.toString(), "unix:" + cli, "--"),
                "-W", "-S", "fd@3", "-f", cfg.toString())) {
            b.awaitPort(port);
            // The worker listens a moment before its master counts it as started.
            waitFor(() -> RuntimeApiIT.socat("unix-connect:" + cli, "show proc").contains("worker "), b);
            String proc = RuntimeApiIT.socat("unix-connect:" + cli, "show proc");
            assertTrue(proc.contains(b.pid() + " ") && proc.contains("master"), proc);
            // And through it, the worker's own runtime API.
            assertTrue(RuntimeApiIT.socat("unix-connect:" + cli, "@1 show info").contains("Pid:"), b.stderr());
        }
    }

    /**
     * {@code sockpair@N}: another process accepts the connections and sends each over a socketpair, as HAProxy's
     * master does for its CLI; Bascule serves them as its own, for a frontend and for a stats socket.
     */
    @Test
    void connections_sent_over_a_socketpair_are_served() throws Exception {
        String python = Tools.require("python3");
        Tools.require("socat");
        Tools.require("curl");
        int port = Ports.free();
        int cliPort = Ports.free();
        Path dir = Bascule.workDir("inherited-sockpair");
        Path cfg = dir.resolve("haproxy.cfg");
        try (TestServer web = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, new java.util.concurrent
                .ConcurrentLinkedQueue<>()))) {
            Files.writeString(cfg, """
                    global
                        stats socket sockpair@${cli} level admin
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 5s
                        timeout server 5s
                    frontend fe
                        bind sockpair@${fe}
                        default_backend app
                    backend app
                        server web 127.0.0.1:%d
                    """.formatted(web.port()));
            Path script = dir.resolve("harness.py");
            Files.writeString(script, HARNESS);
            try (Bascule b = Bascule.wrapped(dir, Map.of("cli", "3", "fe", "4"), List.of(python, script.toString(),
                    "sockpair:" + cliPort, "sockpair:" + port, "--"), "-db", "-f", cfg.toString())) {
                waitFor(() -> RuntimeApiIT.socat("tcp:127.0.0.1:" + cliPort, "show info").contains("Name:"), b);
                for (int i = 0; i < 5; i++) {
                    assertEquals("200", Curl.output(10, "-s", "-o", "/dev/null", "-w", "%{http_code}",
                            "http://127.0.0.1:" + port + "/"));
                }
                String stat = RuntimeApiIT.socat("tcp:127.0.0.1:" + cliPort, "show stat");
                assertTrue(stat.lines().anyMatch(l -> l.startsWith("fe,FRONTEND,") && l.split(",")[7].equals("5")),
                        stat);
            }
        }
    }

    @Test
    void a_descriptor_that_is_not_a_listening_socket_is_refused_with_its_number() throws Exception {
        Path cfg = Bascule.writeConfig("inherited-bad", """
                global
                    stats socket fd@900 level admin
                """);
        Bascule.Result r = Bascule.run("-db", "-f", cfg.toString());
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("cannot use the inherited socket [fd@900]: file descriptor 900 is not an open "
                + "socket"), r.stderr());
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check check, Bascule b) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!b.process.isAlive()) {
                throw new AssertionError("bascule exited with " + b.process.exitValue() + ":\n" + b.stderr());
            }
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception | AssertionError e) {
                // not yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not ready within 30 s:\n" + b.stderr());
    }
}
