package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's reload, verbatim: {@code bascule -f haproxy.cfg -p haproxy.pid -sf $(cat haproxy.pid)}, twenty times
 * under continuous HTTP and TCP load, with in-process reloads (SIGHUP) between them, while the operator adds and
 * removes a server, changes a weight and adds a listener. No request fails; each old process finishes and exits;
 * the pid file names the new one; a server put in maintenance stays there (the reload script saves the servers'
 * state for the next process); a new process whose config has an error leaves the old one serving.
 */
class HandoffIT {
    private static final int HANDOFFS = 20;
    private static final int IN_PROCESS_RELOADS = 50;
    /** Twenty rounds of at least this long: a minute of load or more. */
    private static final long ROUND_MS = 3_000;

    private record Ports(int www, int extra, int cache, int s1, int s2, int spare, int redis) {
    }

    private static String config(Path dir, Ports p, boolean withS2, int weight) {
        return """
                global
                    stats socket %s level admin
                    hard-stop-after 30s
                    server-state-file %s
                defaults
                    load-server-state-from-file global
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend www
                    mode http
                    bind 127.0.0.1:%d
                %s
                    default_backend app
                backend app
                    mode http
                    server s1 127.0.0.1:%d weight %d
                    server spare 127.0.0.1:%d
                %s
                listen cache
                    mode tcp
                    bind 127.0.0.1:%d
                    server r1 127.0.0.1:%d
                """.formatted(dir.resolve("api.sock"), dir.resolve("server-state"), p.www,
                withS2 ? "    bind 127.0.0.1:" + p.extra : "", p.s1, weight, p.spare,
                withS2 ? "    server s2 127.0.0.1:" + p.s2 : "", p.cache, p.redis);
    }

    @Test
    void the_seed_reload_command_hands_over_under_load_and_loses_nothing() throws Exception {
        Path dir = Bascule.workDir("handoff");
        Path cfg = dir.resolve("haproxy.cfg");
        Path pidFile = dir.resolve("haproxy.pid");
        List<Bascule> started = new ArrayList<>();
        try (NginxServer s1 = NginxServer.start("s1"); NginxServer s2 = NginxServer.start("s2");
             NginxServer spare = NginxServer.start("spare"); RedisServer redis = RedisServer.start(dir)) {
            Ports p = new Ports(dev.bascule.dist.Ports.free(), dev.bascule.dist.Ports.free(),
                    dev.bascule.dist.Ports.free(), s1.port, s2.port, spare.port, redis.port);
            Files.writeString(cfg, config(dir, p, false, 1));
            String seedReload = "bascule -f " + cfg + " -p " + pidFile + " -sf $(cat " + pidFile + ")";
            // The first start runs the same line: there is no pid file yet, so -sf names nobody.
            Bascule current = start(dir, 0, seedReload, started);
            current.awaitPort(p.www);
            current.awaitPort(p.cache);
            awaitPidFile(pidFile, current);
            int reloads = 0;
            String api = "UNIX-CONNECT:" + dir.resolve("api.sock");
            try (ClientLoad load = ClientLoad.httpAndRedis(p.www, p.cache)) {
                RuntimeApiIT.socat(api, "set server app/spare state maint");
                Thread.sleep(200);
                long spareServed = load.served("spare");
                for (int round = 1; round <= HANDOFFS; round++) {
                    long roundStart = System.nanoTime();
                    boolean withS2 = round % 2 == 1;
                    for (int r = 0; r < (round <= IN_PROCESS_RELOADS - 2 * HANDOFFS ? 3 : 2); r++, reloads++) {
                        Files.writeString(cfg, config(dir, p, !withS2, 1 + (reloads % 3)));
                        assertTrue(ReloadIT.hup(current).contains("Reload: "), "in-process reload " + reloads);
                    }
                    Files.writeString(cfg, config(dir, p, withS2, 1 + round % 3));
                    long servedByS2 = load.served("s2");
                    // The operator's reload script saves the servers' state for the new process, as with HAProxy.
                    Files.writeString(dir.resolve("server-state"), RuntimeApiIT.socat(api, "show servers state"));
                    Bascule next = start(dir, round, seedReload, started);
                    awaitPidFile(pidFile, next);
                    assertTrue(current.process.waitFor(30, TimeUnit.SECONDS), "the old process exits once idle:\n"
                            + current.stderr());
                    assertEquals(0, current.process.exitValue(), current.stderr());
                    assertTrue(current.stderr().contains("Received SIGUSR1: soft stop"), current.stderr());
                    // The old process listened where its last in-process reload said: with the extra bind or not.
                    assertTrue(next.stderr().contains("Took " + (withS2 ? 2 : 3) + " listening socket(s) over"),
                            next.stderr());
                    current = next;
                    if (withS2) {
                        awaitTraffic(load, "s2", servedByS2);
                        assertEquals(200, Curl.run("http://127.0.0.1:" + p.extra + "/").status(), "added listener");
                    }
                    Thread.sleep(Math.max(0, ROUND_MS - (System.nanoTime() - roundStart) / 1_000_000));
                }
                assertEquals(IN_PROCESS_RELOADS, reloads);
                assertEquals(spareServed, load.served("spare"), "the server in maintenance got no request");
                assertTrue(RuntimeApiIT.socat(api, "show servers state app").lines()
                        .anyMatch(l -> l.contains(" spare ") && l.split(" ")[6].equals("1")), "srv_admin_state");
                // A new process with a broken config fails alone: the old one keeps serving and keeps the pid file.
                Files.writeString(cfg, config(dir, p, true, 1).replace("    mode tcp", "    mode tpc"));
                Bascule broken = start(dir, HANDOFFS + 1, seedReload, started);
                assertTrue(broken.process.waitFor(60, TimeUnit.SECONDS));
                assertEquals(1, broken.process.exitValue());
                assertTrue(broken.stderr().contains("Fatal errors found in configuration."), broken.stderr());
                Thread.sleep(300);
                assertTrue(current.process.isAlive());
                assertEquals(String.valueOf(current.pid()), Files.readString(pidFile).trim());
                load.close();
                assertTrue(load.failures.isEmpty(), load.failures.size() + " failures, first: "
                        + load.failures.peek());
                assertTrue(load.ok.get() > 1000, "requests served: " + load.ok.get());
            }
            assertEquals(0, current.stop());
            assertFalse(Files.exists(pidFile), "the last process removes its pid file");
        } finally {
            started.forEach(Bascule::close);
        }
    }

    /**
     * The connections that wait in the old process's backlog when it stops are the ones HAProxy loses without
     * {@code -x}: here the old process is paused (SIGTTOU) so that clients pile up in its backlog, then replaced
     * with HAProxy's {@code -x} from a stats socket with {@code expose-fd listeners}. The new process accepts them
     * from the very socket, so every one is answered.
     */
    @Test
    void clients_waiting_in_the_old_backlog_are_served_by_the_new_process() throws Exception {
        Path dir = Bascule.workDir("handoff-backlog");
        Path cfg = dir.resolve("haproxy.cfg");
        Path pidFile = dir.resolve("haproxy.pid");
        List<Bascule> started = new ArrayList<>();
        List<Socket> waiting = new ArrayList<>();
        try (NginxServer s1 = NginxServer.start("backlog-s1")) {
            int www = dev.bascule.dist.Ports.free();
            Files.writeString(cfg, """
                    global
                        stats socket %s level admin expose-fd listeners
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 10s
                        timeout server 10s
                    frontend www
                        bind 127.0.0.1:%d
                        default_backend app
                    backend app
                        server s1 127.0.0.1:%d
                    """.formatted(dir.resolve("admin.sock"), www, s1.port));
            String reload = "bascule -f " + cfg + " -p " + pidFile + " -x " + dir.resolve("admin.sock")
                    + " -sf $(cat " + pidFile + ")";
            Bascule old = start(dir, 0, reload, started);
            old.awaitPort(www);
            awaitPidFile(pidFile, old);
            old.signal("TTOU");
            old.awaitLog("Paused frontend www.", 5000);
            for (int i = 0; i < 20; i++) {
                Socket c = new Socket("127.0.0.1", www);
                c.setSoTimeout(20_000);
                c.getOutputStream().write("GET / HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                waiting.add(c);
            }
            Bascule next = start(dir, 1, reload, started);
            awaitPidFile(pidFile, next);
            assertTrue(next.stderr().contains("Took 1 listening socket(s) over from the old process through "
                    + dir.resolve("admin.sock")), next.stderr());
            assertTrue(old.process.waitFor(30, TimeUnit.SECONDS), old.stderr());
            int answered = 0;
            for (Socket c : waiting) {
                try {
                    answered += new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                            .startsWith("HTTP/1.1 200") ? 1 : 0;
                } catch (IOException reset) {
                    // counted as not answered
                }
            }
            assertEquals(20, answered, "clients answered of the 20 queued in the old backlog:\n" + next.stderr());
            assertEquals(0, next.stop());
        } finally {
            for (Socket c : waiting) {
                c.close();
            }
            started.forEach(Bascule::close);
        }
    }

    /**
     * A client that keeps its connection open holds a soft-stopping process only until {@code hard-stop-after}:
     * SIGUSR1 by hand (as {@code -sf} sends it), the listener closes at once, the process exits when the time is up.
     */
    @Test
    void hard_stop_after_ends_a_soft_stop_that_a_client_holds_open() throws Exception {
        try (NginxServer s1 = NginxServer.start("hard-stop-s1")) {
            int www = dev.bascule.dist.Ports.free();
            Path cfg = Bascule.writeConfig("handoff-hard-stop", """
                    global
                        hard-stop-after 2s
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 30s
                        timeout server 30s
                    frontend www
                        bind 127.0.0.1:%d
                        default_backend app
                    backend app
                        server s1 127.0.0.1:%d
                    """.formatted(www, s1.port));
            try (Bascule proxy = Bascule.serve(cfg, www); Socket idle = new Socket("127.0.0.1", www)) {
                idle.getOutputStream().write("GET / HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                idle.setSoTimeout(5000);
                assertTrue(new String(idle.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)
                        .startsWith("HTTP/1.1 200"));
                long signalled = System.nanoTime();
                proxy.signal("USR1");
                proxy.awaitLog("Proxy www stopped \\(cumulated conns: FE: \\d+, BE: 0\\)\\.", 5000);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (Bascule.isListening(www)) {
                    assertTrue(System.nanoTime() < deadline, "the listener closes at once");
                    Thread.sleep(10);
                }
                assertTrue(proxy.process.waitFor(20, TimeUnit.SECONDS), proxy.stderr());
                long tookMs = (System.nanoTime() - signalled) / 1_000_000;
                assertEquals(0, proxy.process.exitValue());
                assertTrue(proxy.stderr().contains("soft-stop running for too long, performing a hard-stop"),
                        proxy.stderr());
                assertTrue(tookMs >= 1900, "held until hard-stop-after: " + tookMs + " ms");
            }
        }
    }

    /**
     * A new process that fails after taking the sockets over (here its second address is in use) gives them back
     * untouched: the old process goes on serving its Unix socket, whose file stays.
     */
    @Test
    void a_new_process_that_fails_to_start_leaves_the_old_sockets_serving() throws Exception {
        Path dir = Bascule.workDir("handoff-failed");
        Path cfg = dir.resolve("haproxy.cfg");
        Path pidFile = dir.resolve("haproxy.pid");
        Path sock = dir.resolve("www.sock");
        List<Bascule> started = new ArrayList<>();
        try (NginxServer s1 = NginxServer.start("failed-s1")) {
            String config = """
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 10s
                        timeout server 10s
                    frontend www
                        bind %s
                    %s
                        default_backend app
                    backend app
                        server s1 127.0.0.1:%d
                    """;
            Files.writeString(cfg, config.formatted(sock, "", s1.port));
            String reload = "bascule -f " + cfg + " -p " + pidFile + " -sf $(cat " + pidFile + ")";
            Bascule old = start(dir, 0, reload, started);
            old.awaitLog("Proxy www started", 30_000);
            // The pid file follows the "started" line: the next command line reads it.
            awaitPidFile(pidFile, old);
            // The new config also binds nginx's own port: the new process takes the Unix socket, then fails.
            Files.writeString(cfg, config.formatted(sock, "    bind 127.0.0.1:" + s1.port, s1.port));
            Bascule failed = start(dir, 1, reload, started);
            assertTrue(failed.process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, failed.process.exitValue(), failed.stderr());
            assertTrue(failed.stderr().contains("Took 1 listening socket(s) over"), failed.stderr());
            assertTrue(Files.exists(sock), "the old process's socket file stays");
            assertEquals(200, Curl.run("--unix-socket", sock.toString(), "http://www/").status());
            assertTrue(old.process.isAlive());
            assertEquals(0, old.stop());
        } finally {
            started.forEach(Bascule::close);
        }
    }

    private static Bascule start(Path dir, int round, String commandLine, List<Bascule> started) throws Exception {
        Bascule b = Bascule.shell(Files.createDirectories(dir.resolve("process-" + round)), commandLine);
        started.add(b);
        return b;
    }

    /** A process writes its pid once it serves, right before it tells the old one to stop. */
    private static void awaitPidFile(Path pidFile, Bascule next) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(pidFile) && Files.readString(pidFile).trim().equals(String.valueOf(next.pid())))) {
            assertTrue(next.process.isAlive(), "the new process died:\n" + next.stderr());
            assertTrue(System.nanoTime() < deadline, "no pid file naming the new process:\n" + next.stderr());
            Thread.sleep(20);
        }
    }

    private static void awaitTraffic(ClientLoad load, String server, long before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (load.served(server) == before) {
            assertTrue(System.nanoTime() < deadline, "the server just added gets traffic");
            Thread.sleep(10);
        }
    }
}
