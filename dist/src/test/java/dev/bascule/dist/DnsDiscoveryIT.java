package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator runs a pool of servers that come and go under one DNS name, served by dnsmasq on loopback: a
 * {@code server-template} fills its servers from the name's addresses, a new address brings a server UP, a changed
 * one moves it, a removed one puts it in resolution maintenance; a server whose name does not resolve yet starts
 * with {@code init-addr none}. A client keeps connecting throughout and never fails; each backend answers its name,
 * so where traffic goes is visible.
 */
class DnsDiscoveryIT {
    /**
     * The longest a step may take: each one waits for HAProxy's log line, which comes within a few resolutions
     * (200 ms each), but a loaded machine (a CI runner) may be slow to run the client loop.
     */
    private static final long STEP_MS = 20_000;

    @Test
    void servers_follow_their_names_under_traffic() throws Exception {
        String dnsmasqBin = Tools.require("dnsmasq");
        Path dir = Bascule.workDir("dns-discovery");
        int backendPort = Ports.free();
        List<TestServer> backends = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            String ip = "127.0.0." + (11 + backends.size());
            backends.add(TestServer.start(TestServer.named(name), InetAddress.getByName(ip), backendPort));
        }
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.11 app.test\n");
        int dnsPort = Ports.free();
        Process dnsmasq = dnsmasqWith(dnsmasqBin, dir, dnsPort, "--addn-hosts=" + hosts);
        int port = Ports.free();
        int latePort = Ports.free();
        int fixedPort = Ports.free();
        int apiPort = Ports.free();
        String api = "TCP:127.0.0.1:" + apiPort;
        try {
            Path cfg = Bascule.writeConfig("dns-discovery", TcpProxyIT.config("""
                    resolvers dns
                        nameserver ns1 127.0.0.1:%d
                        resolve_retries 2
                        timeout resolve 200ms
                        timeout retry 100ms
                        hold valid 200ms
                        hold nx 300ms
                        hold other 300ms
                    listen app
                        bind 127.0.0.1:%d
                        server-template web 3 app.test:%d resolvers dns resolve-prefer ipv4 init-addr none
                    listen late
                        bind 127.0.0.1:%d
                        server s1 late.test:%d resolvers dns resolve-prefer ipv4 init-addr none
                    listen fixed
                        bind 127.0.0.1:%d
                        server s1 127.0.0.11:%d
                    """.formatted(dnsPort, port, backendPort, latePort, backendPort, fixedPort, backendPort))
                    .replace("global\n", "global\n    stats socket 127.0.0.1:" + apiPort + " level admin\n"));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                proxy.awaitLog("app/web1 changed its IP from \\(none\\) to 127\\.0\\.0\\.11 by dns/ns1\\.", STEP_MS);
                proxy.awaitLog("Server app/web1 \\('app\\.test'\\) is UP/READY \\(resolves again\\)\\.", STEP_MS);
                try (Traffic traffic = new Traffic(port)) {
                    traffic.await(Set.of("a"));
                    Map<String, List<String>> stat = stat(api);
                    assertEquals(List.of("no check", "127.0.0.11:" + backendPort), stat.get("app/web1"));
                    assertEquals(List.of("MAINT (resolution)", ""), stat.get("app/web2"),
                            "one address for three servers: the others wait");
                    assertEquals(List.of("MAINT (resolution)", ""), stat.get("late/s1"),
                            "init-addr none: started although its name does not resolve");
                    assertTrue(refused(latePort), "no server for 'late' yet");

                    // Two names appear: a server comes UP for the new address, the late one finds its own.
                    rewrite(hosts, dnsmasq, "127.0.0.11 app.test\n127.0.0.12 app.test\n127.0.0.13 late.test\n");
                    // The first server of the answer is told by dns/ns1, the others by the cache, as in HAProxy.
                    proxy.awaitLog("app/web2 changed its IP from \\(none\\) to 127\\.0\\.0\\.12 by DNS cache\\.",
                            STEP_MS);
                    proxy.awaitLog("Server app/web2 \\('app\\.test'\\) is UP/READY \\(resolves again\\)\\.", STEP_MS);
                    proxy.awaitLog("Server late/s1 administratively READY thanks to valid DNS answer\\.", STEP_MS);
                    traffic.await(Set.of("a", "b"));
                    assertEquals("c", TcpProxyIT.firstLine(latePort));

                    // An address changes: the server moves, and traffic with it.
                    rewrite(hosts, dnsmasq, "127.0.0.11 app.test\n127.0.0.13 app.test\n127.0.0.13 late.test\n");
                    proxy.awaitLog("app/web2 changed its IP from 127\\.0\\.0\\.12 to 127\\.0\\.0\\.13 by DNS cache\\.",
                            STEP_MS);
                    traffic.await(Set.of("a", "c"));

                    // An address goes: its server enters resolution maintenance and gets nothing more.
                    rewrite(hosts, dnsmasq, "127.0.0.13 app.test\n127.0.0.13 late.test\n");
                    proxy.awaitLog("Server app/web1 is going DOWN for maintenance \\(No IP for server \\)\\. 1 active "
                            + "and 0 backup servers left\\. \\d+ sessions active, 0 requeued, 0 remaining in queue\\.",
                            STEP_MS);
                    traffic.await(Set.of("c"));
                    assertEquals(List.of("MAINT (resolution)", ""), stat(api).get("app/web1"));

                    // The runtime API moves a server the same way.
                    assertEquals("a", TcpProxyIT.firstLine(fixedPort));
                    assertEquals("IP changed from '127.0.0.11' to '127.0.0.12' by 'stats socket command'\n\n",
                            RuntimeApiIT.socat(api, "set server fixed/s1 addr 127.0.0.12"));
                    assertEquals("b", TcpProxyIT.firstLine(fixedPort));

                    // A reload keeps what DNS found: the changed section starts again, its servers keep their
                    // addresses, and nothing is announced since nothing moved.
                    Files.writeString(cfg, Files.readString(cfg).replace("timeout resolve 200ms",
                            "timeout resolve 250ms"));
                    assertEquals("Reload: ~resolvers dns", RuntimeApiIT.socat(api, "reload").strip());
                    assertEquals(List.of("no check", "127.0.0.13:" + backendPort), stat(api).get("app/web2"));
                    traffic.await(Set.of("c"));
                    assertEquals(2, proxy.stderr().lines().filter(l -> l.contains("app/web2 changed its IP")).count(),
                            "web2 moved twice (filled, then re-addressed), the reload moved nothing");

                    traffic.stop();
                    assertEquals(List.of(), traffic.failures(), "no client failed while servers came and went");
                    assertTrue(traffic.served() > 20, "the loop ran: " + traffic.served());
                }
            }
        } finally {
            Processes.stop(dnsmasq);
            for (TestServer b : backends) {
                b.close();
            }
        }
    }

    @Test
    void a_template_on_an_srv_label_takes_hosts_ports_and_weights_from_the_records() throws Exception {
        String dnsmasqBin = Tools.require("dnsmasq");
        Path dir = Bascule.workDir("dns-srv");
        int portA = Ports.free();
        int portB = Ports.free();
        TestServer a = TestServer.start(TestServer.named("a"), InetAddress.getByName("127.0.0.11"), portA);
        TestServer b = TestServer.start(TestServer.named("b"), InetAddress.getByName("127.0.0.12"), portB);
        int dnsPort = Ports.free();
        String one = "srv-host=_app._tcp.svc.test,one.test," + portA + ",0,100\nhost-record=one.test,127.0.0.11\n";
        String two = "srv-host=_app._tcp.svc.test,two.test," + portB + ",0,512\nhost-record=two.test,127.0.0.12\n";
        Process dnsmasq = dnsmasq(dnsmasqBin, dir, dnsPort, one + two);
        int port = Ports.free();
        int apiPort = Ports.free();
        String api = "TCP:127.0.0.1:" + apiPort;
        try {
            Path cfg = Bascule.writeConfig("dns-srv", TcpProxyIT.config("""
                    resolvers dns
                        nameserver ns1 127.0.0.1:%d
                        timeout resolve 200ms
                        timeout retry 100ms
                        hold valid 200ms
                    listen svc
                        bind 127.0.0.1:%d
                        server-template srv 3 _app._tcp.svc.test resolvers dns resolve-prefer ipv4 init-addr none
                    """.formatted(dnsPort, port))
                    .replace("global\n", "global\n    stats socket 127.0.0.1:" + apiPort + " level admin\n"));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                proxy.awaitLog("svc/srv\\d changed its FQDN from \\(null\\) to one\\.test by 'SRV record'", STEP_MS);
                proxy.awaitLog("svc/srv\\d changed its IP from \\(none\\) to 127\\.0\\.0\\.12 by DNS additional "
                        + "record\\.", STEP_MS);
                String twoServer = proxy.awaitLog("Server svc/srv\\d \\('two\\.test'\\) is UP/READY", STEP_MS)
                        .replaceAll(".*Server svc/(srv\\d).*", "$1");
                try (Traffic traffic = new Traffic(port)) {
                    traffic.await(Set.of("a", "b"));
                    Map<String, List<String>> weights = columns(api, 18, 73);
                    assertEquals(List.of("2", "127.0.0.12:" + portB), weights.get("svc/" + twoServer),
                            "the port and the weight ((512 + 255) / 256) are the record's");
                    assertEquals(1, weights.values().stream().filter(w -> w.get(1).isEmpty()).count(),
                            "two records for three servers: " + weights);

                    // The name server loses a record: its server is freed, in resolution maintenance.
                    Processes.stop(dnsmasq);
                    dnsmasq = dnsmasq(dnsmasqBin, dir, dnsPort, one);
                    proxy.awaitLog("Server svc/" + twoServer + " is going DOWN for maintenance \\(entry removed from "
                            + "SRV record\\)\\.", STEP_MS);
                    traffic.await(Set.of("a"));
                    assertEquals(List.of("MAINT (resolution)", ""), stat(api).get("svc/" + twoServer));
                    traffic.stop();
                    assertEquals(List.of(), traffic.failures());
                }
            }
        } finally {
            Processes.stop(dnsmasq);
            a.close();
            b.close();
        }
    }

    /** dnsmasq in the foreground with {@code conf} as its configuration file, listening once this returns. */
    private static Process dnsmasq(String bin, Path dir, int port, String conf) throws Exception {
        Path file = dir.resolve("dnsmasq.conf");
        Files.writeString(file, conf);
        return dnsmasqWith(bin, dir, port, "--conf-file=" + file);
    }

    /**
     * dnsmasq in the foreground on loopback, answering only from what {@code option} gives it (as the test's own
     * user, so that it can read the test's files again on SIGHUP), listening once this returns.
     */
    private static Process dnsmasqWith(String bin, Path dir, int port, String option) throws Exception {
        Process p = new ProcessBuilder(bin, "-k", "--no-resolv", "--no-hosts", "--port=" + port,
                "--listen-address=127.0.0.1", "--bind-interfaces", option,
                "--user=" + System.getProperty("user.name"), "--pid-file=", "--log-facility=-")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
        Processes.awaitListening(port, p, dir.resolve("dnsmasq.log"));
        return p;
    }

    /** Rewrites dnsmasq's hosts file and has it read it again (SIGHUP also empties its cache). */
    private static void rewrite(Path hosts, Process dnsmasq, String text) throws Exception {
        Files.writeString(hosts, text);
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(dnsmasq.pid())).start();
        assertTrue(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -HUP dnsmasq");
    }

    /** A connection the proxy closes without a byte: no server to take it. */
    private static boolean refused(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            return s.getInputStream().read() < 0;
        }
    }

    /** {@code backend/server} -> status and addr columns of show stat. */
    private static Map<String, List<String>> stat(String api) throws Exception {
        return columns(api, 17, 73);
    }

    /** {@code backend/server} -> the columns of show stat at those positions. */
    private static Map<String, List<String>> columns(String api, int... at) throws Exception {
        Map<String, List<String>> out = new HashMap<>();
        for (String line : RuntimeApiIT.socat(api, "show stat").split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > 73 && !line.startsWith("#") && !f[1].equals("BACKEND") && !f[1].equals("FRONTEND")) {
                out.put(f[0] + "/" + f[1], java.util.Arrays.stream(at).mapToObj(i -> f[i]).toList());
            }
        }
        return out;
    }

    /**
     * One client connecting in a loop (bounded: 20 000 connections or three minutes), recording which backend
     * answered each connection; {@link #await} waits until the last answers come from exactly the given backends.
     */
    private static final class Traffic implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger total = new java.util.concurrent.atomic.AtomicInteger();
        private final Thread thread;

        Traffic(int port) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            thread = new Thread(() -> {
                for (int i = 0; i < 20_000 && running.get() && System.nanoTime() < deadline; i++) {
                    try {
                        String name = TcpProxyIT.firstLine(port);
                        if (name.isEmpty()) {
                            failures.add("connection " + i + " closed without an answer");
                        } else {
                            answers.add(name);
                            total.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.add("connection " + i + ": " + e);
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "dns-traffic");
            thread.start();
        }

        /** Waits until 30 answers in a row come from exactly {@code names} (each of them at least once). */
        void await(Set<String> names) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_MS);
            List<String> seen = List.of();
            while (System.nanoTime() < deadline) {
                answers.clear();
                while (answers.size() < 30 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                seen = new ArrayList<>(answers);
                if (seen.size() >= 30 && new TreeSet<>(seen).equals(new TreeSet<>(names))) {
                    return;
                }
            }
            throw new AssertionError("traffic did not go to exactly " + names + "; last answers " + seen);
        }

        int served() {
            return total.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        void stop() {
            running.set(false);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stop();
        }
    }
}
