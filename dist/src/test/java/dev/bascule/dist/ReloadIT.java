package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator edits haproxy.cfg and sends SIGHUP, again and again, while clients keep coming: no request fails,
 * a server added gets traffic, a server put in maintenance over the runtime API stays there, a listener added
 * serves, and a config with an error is refused while the old one keeps serving.
 */
class ReloadIT {
    private static String config(int port, int extra, int api, int s1, int s2, boolean withS2, int s1Weight) {
        return """
                global
                    stats socket 127.0.0.1:%d level admin
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend www
                    bind 127.0.0.1:%d
                %s
                    default_backend app
                backend app
                    server s1 127.0.0.1:%d weight %d
                %s
                """.formatted(api, port, withS2 ? "    bind 127.0.0.1:" + extra : "", s1, s1Weight,
                withS2 ? "    server s2 127.0.0.1:" + s2 : "");
    }

    private static int reloads(Bascule proxy) throws Exception {
        return (int) proxy.stderr().lines().filter(l -> l.contains("Reload")).count();
    }

    /** Sends SIGHUP and waits for the reload's log line (applied or refused). */
    static String hup(Bascule proxy) throws Exception {
        int before = reloads(proxy);
        proxy.signal("HUP");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reloads(proxy) == before) {
            assertTrue(System.nanoTime() < deadline, "no reload logged within 10 s:\n" + proxy.stderr());
            Thread.sleep(20);
        }
        return proxy.stderr().lines().filter(l -> l.contains("Reload")).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void reloads_under_load_lose_nothing_and_keep_what_the_operator_set() throws Exception {
        Queue<String> seen1 = new ConcurrentLinkedQueue<>();
        Queue<String> seen2 = new ConcurrentLinkedQueue<>();
        try (TestServer s1 = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, seen1));
             TestServer s2 = TestServer.start(TestServer.http(0, Integer.MAX_VALUE, seen2))) {
            int port = Ports.free();
            int extra = Ports.free();
            int api = Ports.free();
            Path cfg = Bascule.writeConfig("reload", config(port, extra, api, s1.port(), s2.port(), false, 1));
            try (Bascule proxy = Bascule.serve(cfg, port); ClientLoad load = ClientLoad.http(port)) {
                Thread.sleep(300);
                for (int i = 0; i < 10; i++) {
                    boolean withS2 = i % 2 == 0;
                    Files.writeString(cfg, config(port, extra, api, s1.port(), s2.port(), withS2, 1));
                    String line = hup(proxy);
                    assertTrue(line.contains(withS2 ? "+server app/s2" : "-server app/s2"), line);
                    if (withS2) {
                        seen2.clear();
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                        while (seen2.isEmpty() && System.nanoTime() < deadline) {
                            Thread.sleep(10);
                        }
                        assertFalse(seen2.isEmpty(), "the server just added gets traffic");
                        assertEquals(200, Curl.run("http://127.0.0.1:" + extra + "/").status(), "the new listener");
                    }
                    Thread.sleep(150);
                }
                // Maintenance set at run time outlives a reload that changes the server's own line.
                Files.writeString(cfg, config(port, extra, api, s1.port(), s2.port(), true, 1));
                hup(proxy);
                RuntimeApiIT.socat("TCP:127.0.0.1:" + api, "set server app/s1 state maint");
                Files.writeString(cfg, config(port, extra, api, s1.port(), s2.port(), true, 3));
                assertTrue(hup(proxy).contains("~server app/s1 (weight 1 -> 3)"));
                Thread.sleep(200);
                seen1.clear();
                Thread.sleep(500);
                assertTrue(seen1.isEmpty(), "s1 stayed in maintenance: " + seen1.size() + " requests reached it");
                assertTrue(RuntimeApiIT.socat("TCP:127.0.0.1:" + api, "show servers state app")
                        .lines().anyMatch(l -> l.contains(" s1 ") && l.split(" ")[6].equals("1")), "srv_admin_state");
                // A config with an error changes nothing.
                Files.writeString(cfg, "frontend www\n    bind 127.0.0.1:" + port + "\n    balanse roundrobin\n");
                assertTrue(hup(proxy).contains("Reload refused"));
                Thread.sleep(300);
                load.close();
                assertEquals(200, Curl.run("http://127.0.0.1:" + extra + "/").status(), "still the old config");
                assertTrue(load.failures.isEmpty(), load.failures.size() + " failures, first: "
                        + load.failures.peek() + "\n" + proxy.stderr());
                assertTrue(load.ok.get() > 200, "requests served: " + load.ok.get());
                assertTrue(proxy.stderr().contains("Fatal errors found in configuration."));
            }
        }
    }
}
