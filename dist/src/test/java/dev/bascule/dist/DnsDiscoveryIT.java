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
    /** Polled by the test; each step waits for HAProxy's log line, well within this. */
    private static final long STEP_MS = 5000;

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
        Process dnsmasq = new ProcessBuilder(dnsmasqBin, "-k", "--no-resolv", "--no-hosts", "--port=" + dnsPort,
                "--listen-address=127.0.0.1", "--bind-interfaces", "--addn-hosts=" + hosts,
                "--user=" + System.getProperty("user.name"), "--pid-file=", "--log-facility=-")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
        int port = Ports.free();
        int latePort = Ports.free();
        int fixedPort = Ports.free();
        int apiPort = Ports.free();
        String api = "TCP:127.0.0.1:" + apiPort;
        try {
            Processes.awaitListening(dnsPort, dnsmasq, dir.resolve("dnsmasq.log"));
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
        Map<String, List<String>> out = new HashMap<>();
        for (String line : RuntimeApiIT.socat(api, "show stat").split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > 73 && !line.startsWith("#")) {
                out.put(f[0] + "/" + f[1], List.of(f[17], f[73]));
            }
        }
        return out;
    }

    /**
     * One client connecting in a loop (bounded: 20 000 connections or a minute), recording which backend answered
     * each connection; {@link #await} waits until the last answers come from exactly the given backends.
     */
    private static final class Traffic implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger total = new java.util.concurrent.atomic.AtomicInteger();
        private final Thread thread;

        Traffic(int port) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
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
            while (System.nanoTime() < deadline) {
                answers.clear();
                Thread.sleep(300);
                List<String> seen = new ArrayList<>(answers);
                if (seen.size() >= 30 && new TreeSet<>(seen).equals(new TreeSet<>(names))) {
                    return;
                }
            }
            throw new AssertionError("traffic did not go to exactly " + names + "; last answers " + answers);
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
