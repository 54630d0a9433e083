package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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

    /** Clients until told to stop (bounded by the caller): new connections and one kept-alive, counting failures. */
    private static final class Load implements AutoCloseable {
        final AtomicInteger ok = new AtomicInteger();
        final Queue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread fresh;
        private final Thread kept;

        Load(int port) {
            fresh = new Thread(() -> {
                while (running.get()) {
                    try (Socket s = connect(port)) {
                        exchange(s, "close");
                    } catch (Exception e) {
                        failures.add("new connection: " + e);
                    }
                }
            });
            kept = new Thread(() -> {
                while (running.get()) {
                    try (Socket s = connect(port)) {
                        for (int i = 0; i < 50 && running.get(); i++) {
                            exchange(s, "keep-alive");
                        }
                    } catch (Exception e) {
                        failures.add("kept-alive: " + e);
                    }
                }
            });
            fresh.start();
            kept.start();
        }

        private static Socket connect(int port) throws Exception {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            s.setSoTimeout(5000);
            return s;
        }

        /** One request and its whole response (Content-Length framed, as the test servers answer). */
        private void exchange(Socket s, String connection) throws Exception {
            OutputStream out = s.getOutputStream();
            out.write(("GET /load HTTP/1.1\r\nHost: r\r\nConnection: " + connection + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new java.io.EOFException("closed after " + head.length() + " bytes of head");
                }
                head.append((char) b);
            }
            String h = head.toString();
            if (!h.startsWith("HTTP/1.1 200")) {
                throw new AssertionError(h.lines().findFirst().orElse(""));
            }
            int length = Integer.parseInt(h.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
            in.readNBytes(length);
            ok.incrementAndGet();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            fresh.join(10_000);
            kept.join(10_000);
        }
    }

    private static int reloads(Bascule proxy) throws Exception {
        return (int) proxy.stderr().lines().filter(l -> l.contains("Reload")).count();
    }

    /** Sends SIGHUP and waits for the reload's log line (applied or refused). */
    private static String hup(Bascule proxy) throws Exception {
        int before = reloads(proxy);
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(proxy.pid())).start();
        assertTrue(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0);
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
            try (Bascule proxy = Bascule.serve(cfg, port); Load load = new Load(port)) {
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
