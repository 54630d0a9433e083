package dev.bascule.dist;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed articles' setup, for real: a Bascule pair behind a keepalived virtual IP, in network namespaces, with the
 * distribution's own keepalived/vrrp3 files and check. A client sends ten requests a second to the virtual IP while
 * the MASTER's Bascule is killed, its link goes down, it loses its servers, its Bascule hangs: each time the address
 * must move to the BACKUP and the service come back. {@code src/test/sh/keepalived-failover.sh} builds and measures
 * it (run it by hand with {@code --all} for the VRRPv2, unicast and nopreempt variants); this reads its summary.
 */
class KeepalivedFailoverIT {
    private static final Path SCRIPT = Path.of("src/test/sh/keepalived-failover.sh").toAbsolutePath();

    /**
     * keepalived's check against a real Bascule on loopback (no root needed): 0 while it serves, curl's 22 when
     * {@code monitor fail} sees no usable server, 28 when the process hangs, 7 when it is gone.
     */
    @Test
    void the_check_tells_a_serving_proxy_from_one_without_servers_hung_or_gone() throws Exception {
        Tools.require("curl");
        String check = Bascule.HOME.resolve("keepalived/check_bascule.sh").toAbsolutePath().toString();
        int port = Ports.free();
        String url = "http://127.0.0.1:" + port + "/bascule-alive";
        TestServer.Behaviour http = TestServer.http(0, Integer.MAX_VALUE, new ConcurrentLinkedQueue<>());
        TestServer web = TestServer.start(http);
        int webPort = web.port();
        Path cfg = Bascule.writeConfig("keepalived-check", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                    timeout check 500ms
                frontend www
                    bind 127.0.0.1:%d
                    monitor-uri /bascule-alive
                    monitor fail if { nbsrv(web) lt 1 }
                    default_backend web
                backend web
                    option httpchk GET /
                    server web1 127.0.0.1:%d check inter 100ms fall 1 rise 1
                """.formatted(port, webPort));
        try (Bascule proxy = Bascule.serve(cfg, port)) {
            // A JVM just started may miss 0.5 s on its first answers on a loaded machine: the check tries again.
            assertEquals(0, awaitExit(0, check, url), "serving");
            web.close();
            assertEquals(22, awaitExit(22, check, url), "no usable server in web: 503");
            web = TestServer.start(http, webPort);
            assertEquals(0, awaitExit(0, check, url), "the server is back");
            proxy.signal("STOP");
            try {
                long start = System.nanoTime();
                assertEquals(28, exitOf(check, url, "0.5"), "hung: no answer within the timeout");
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "the timeout bounds the probe");
            } finally {
                proxy.signal("CONT");
            }
            proxy.close();
            assertTrue(proxy.process.waitFor(10, TimeUnit.SECONDS));
            // An io_uring process's ring is torn down by the kernel after the process is reaped: its listener
            // can accept (then reset) a connection for a moment after. Gone means the port refuses.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Bascule.isListening(port)) {
                assertTrue(System.nanoTime() < deadline, "the listener closes once the process is gone");
                Thread.sleep(10);
            }
            assertEquals(7, exitOf(check, url, "0.5"), "gone: connection refused");
        } finally {
            web.close();
        }
    }

    private static int exitOf(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), String.join(" ", command));
        return p.exitValue();
    }

    /** Probes every 100 ms, for up to 5 s, until the check exits with {@code status}; its last status otherwise. */
    private static int awaitExit(int status, String check, String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int last;
        do {
            last = exitOf(check, url, "0.5");
            if (last == status) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return last;
    }

    @Test
    void the_virtual_ip_moves_to_the_backup_when_the_master_crashes_loses_its_link_its_servers_or_hangs()
            throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "SKIPPED: network namespaces and keepalived need root");
        Tools.require("ip");
        Tools.require("keepalived");
        Tools.require("curl");
        Tools.require("python3");
        Tools.require("flock");
        Path work = Bascule.workDir("keepalived");
        Path out = work.resolve("failover.txt");
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "--variant", "vrrp3", "--scenarios", "abcd",
                "--work", work.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("BASCULE_HOME", Bascule.HOME.toAbsolutePath().toString());
        Process p = pb.start();
        String report;
        try {
            // Four scenarios of 6 s and their repairs take about 40 s; the bound is for a machine that crawls.
            assertTrue(p.waitFor(150, TimeUnit.SECONDS), "keepalived-failover.sh still running after 150 s");
        } finally {
            if (p.isAlive()) {
                Processes.stop(p);   // SIGTERM: its trap stops what it started and deletes its namespaces
            }
            report = Files.exists(out) ? Files.readString(out) : "";
            System.out.println(report);
        }
        List<String> lines = report.lines().toList();
        if (p.exitValue() == 77) {
            String reason = lines.stream().filter(l -> l.startsWith("SKIP: ")).findFirst().orElse("SKIP");
            Assumptions.assumeTrue(false, "SKIPPED: " + reason.substring(reason.indexOf(' ') + 1));
        }
        Map<String, Map<String, String>> scenarios = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.startsWith("SCENARIO ")) {
                String[] words = line.split(" ");
                Map<String, String> fields = new LinkedHashMap<>();
                fields.put("name", words[3]);
                for (int i = 4; i < words.length; i++) {
                    int eq = words[i].indexOf('=');
                    fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
                }
                scenarios.put(words[2], fields);
            }
        }
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(scenarios.keySet()), report);
        scenarios.forEach((letter, s) -> {
            assertEquals("yes", s.get("moved"), letter + " " + s.get("name") + ": the BACKUP took the address\n"
                    + report);
            assertEquals("yes", s.get("resumed"), letter + " " + s.get("name") + ": the last second answered\n"
                    + report);
        });
        Map<String, String> crash = scenarios.get("a");
        // The target is under 1 s and at most one failed request: 2 to 3 requests and 0.3 s on a machine at a load of
        // 16. The slack is for a loaded machine, where a killed JVM's sockets take some 0.5 s to be torn down and
        // every connection accepted meanwhile is reset (8 requests, 0.94 s at a load of 30). Without the watcher (the
        // 1 s vrrp_script alone) a crash costs 1 to 2 s and 10 to 20 requests.
        assertTrue(Integer.parseInt(crash.get("gap_ms")) < 1500, "a crash costs under 1.5 s of service: " + crash);
        assertTrue(Integer.parseInt(crash.get("failed")) <= 10, "a crash costs at most 10 requests: " + crash);
        assertEquals(0, p.exitValue(), report);
    }
}
