package dev.bascule.core;

import dev.bascule.core.stream.Loopback;
import org.junit.jupiter.api.Test;

import java.net.Socket;

import static dev.bascule.core.stream.Loopback.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reload in place: what did not change is kept as it was, what changed takes its new settings, nothing drops. */
class ReloadTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: r\r\nConnection: close\r\n\r\n";

    private static String config(int port, String servers, String extraListener) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:%d
                %s
                    default_backend be
                backend be
                %s
                backend other
                    server o1 127.0.0.1:1
                """.formatted(port, extraListener, servers);
    }

    @Test
    void unchanged_servers_keep_their_state_changed_ones_their_runtime_settings_and_listeners_follow()
            throws Exception {
        int port = Loopback.freePort();
        int added = Loopback.freePort();
        try (Loopback.Backend a = new Loopback.Backend(0, "a"); Loopback.Backend b = new Loopback.Backend(0, "b");
             Loopback proxy = new Loopback(config(port, "    server s1 127.0.0.1:" + a.port() + "\n"
                     + "    server s2 127.0.0.1:" + b.port() + " weight 1", ""))) {
            Runtime runtime = proxy.runtime;
            assertTrue(exchange(port, GET).endsWith("a"));
            ServerState s1 = runtime.backend("be").server("s1");
            ServerState s2 = runtime.backend("be").server("s2");
            BackendState other = runtime.backend("other");
            s2.admin(ServerState.Admin.MAINT);
            long requests = runtime.frontends().get(0).http().requests();

            String changes = runtime.reload(Loopback.parse(config(port, "    server s1 127.0.0.1:" + a.port() + "\n"
                    + "    server s2 127.0.0.1:" + b.port() + " weight 5\n"
                    + "    server s3 127.0.0.1:" + b.port(), "    bind 127.0.0.1:" + added)));

            assertEquals("Reload: +listener 127.0.0.1:" + added + ", +server be/s3, ~server be/s2 (weight 1 -> 5)",
                    changes);
            assertEquals(2, runtime.generation());
            assertSame(s1, runtime.backend("be").server("s1"), "unchanged: the same server, health and counters");
            assertEquals(1, s1.totalSessions());
            ServerState s2After = runtime.backend("be").server("s2");
            assertNotSame(s2, s2After, "its line changed");
            assertEquals(5, s2After.weight());
            assertEquals(ServerState.Admin.MAINT, s2After.admin(), "maintenance set at run time survives");
            assertSame(other, runtime.backend("other"), "an unchanged backend is kept whole");
            assertTrue(exchange(added, GET).startsWith("HTTP/1.1 200"), "the new listener serves");
            assertEquals(requests + 1, runtime.frontends().get(0).http().requests(), "frontend counters go on");

            runtime.reload(Loopback.parse(config(port, "    server s1 127.0.0.1:" + a.port(), "")));
            assertTrue(exchange(port, GET).endsWith("a"));
            assertEquals(3, runtime.generation());
            assertThrows(java.io.IOException.class, () -> exchange(added, GET), "the removed listener is closed");
        }
    }

    @Test
    void the_global_settings_the_engine_holds_follow_a_reload() throws Exception {
        int port = Loopback.freePort();
        String rest = config(port, "    server s1 127.0.0.1:1", "");
        try (Loopback proxy = new Loopback("global\n    maxconn 5\n    node lb-1\n" + rest)) {
            Runtime runtime = proxy.runtime;
            assertEquals(0, runtime.lastReloadMicros());
            assertEquals("Reload: ~global (maxconn 5 -> 50, node lb-1 -> lb-2)",
                    runtime.reload(Loopback.parse("global\n    maxconn 50\n    node lb-2\n" + rest)));
            assertEquals(50, runtime.maxconn());
            assertEquals("lb-2", runtime.global().node());
            assertTrue(runtime.lastReloadMicros() > 0, "the apply time is measured");
            assertTrue(runtime.lastReloadCpuMicros() > 0, "and its CPU time");
            runtime.close();
            assertThrows(StartupException.class, () -> runtime.reload(Loopback.parse(rest)), "stopping");
            assertThrows(java.io.IOException.class, () -> exchange(port, GET), "nothing was bound again");
        }
    }

    @Test
    void a_connection_in_flight_finishes_on_the_generation_it_started_on() throws Exception {
        int port = Loopback.freePort();
        try (Loopback.Backend slow = new Loopback.Backend(500, "old"); Loopback.Backend fresh = new Loopback.Backend(0, "new");
             Loopback proxy = new Loopback(config(port, "    server s1 127.0.0.1:" + slow.port(), ""))) {
            try (Socket inFlight = Loopback.connect(port)) {
                Loopback.send(inFlight, GET);
                Thread.sleep(100);
                proxy.runtime.reload(Loopback.parse(config(port, "    server s9 127.0.0.1:" + fresh.port(), "")));
                assertTrue(exchange(port, GET).endsWith("new"), "new connections take the new config");
                assertTrue(Loopback.readAll(inFlight).endsWith("old"), "the request in flight was answered");
            }
        }
    }

    @Test
    void a_config_that_cannot_be_applied_changes_nothing() throws Exception {
        int port = Loopback.freePort();
        try (Loopback.Backend a = new Loopback.Backend(0, "a");
             Loopback proxy = new Loopback(config(port, "    server s1 127.0.0.1:" + a.port(), ""));
             java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThrows(StartupException.class, () -> proxy.runtime.reload(Loopback.parse(config(port,
                    "    server s2 127.0.0.1:" + a.port(), "    bind 127.0.0.1:" + taken.getLocalPort()))));
            assertEquals(1, proxy.runtime.generation());
            assertEquals("s1", proxy.runtime.backend("be").servers().get(0).name());
            assertTrue(exchange(port, GET).endsWith("a"));
        }
    }

    @Test
    void after_a_failed_reload_the_old_backend_still_serves_its_queue() throws Exception {
        int port = Loopback.freePort();
        try (Loopback.Backend slow = new Loopback.Backend(300, "slow");
             Loopback proxy = new Loopback(config(port, "    timeout queue 3s\n    server s1 127.0.0.1:" + slow.port()
                     + " maxconn 1", ""));
             java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Socket holder = Loopback.connect(port); Socket waiter = Loopback.connect(port)) {
            Loopback.send(holder, GET);
            Thread.sleep(50);
            Loopback.send(waiter, GET);
            Thread.sleep(50);
            // The backend changes (s2 added) and s1 is kept, but the new listener cannot bind: nothing changes.
            assertThrows(StartupException.class, () -> proxy.runtime.reload(Loopback.parse(config(port,
                    "    timeout queue 3s\n    server s1 127.0.0.1:" + slow.port() + " maxconn 1\n    server s2 "
                            + "127.0.0.1:" + slow.port(), "    bind 127.0.0.1:" + taken.getLocalPort()))));
            assertTrue(Loopback.readAll(holder).endsWith("slow"));
            assertTrue(Loopback.readAll(waiter).startsWith("HTTP/1.1 200"), "the queued request got the freed slot");
        }
    }
}
