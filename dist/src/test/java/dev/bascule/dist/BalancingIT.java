package dev.bascule.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An operator chooses how connections are spread with `balance`, and clients see the servers HAProxy would pick. */
class BalancingIT {
    private static String config(String algorithm, int port, TestServer... servers) {
        StringBuilder b = new StringBuilder("listen svc\n    bind 127.0.0.1:" + port + "\n    balance " + algorithm
                + "\n");
        int[] weights = {3, 2, 1};
        for (int i = 0; i < servers.length; i++) {
            b.append("    server ").append((char) ('a' + i)).append(" 127.0.0.1:").append(servers[i].port())
                    .append(" weight ").append(algorithm.equals("static-rr") ? weights[i] : 1).append('\n');
        }
        return TcpProxyIT.config(b.toString());
    }

    private static TestServer[] named(int n) {
        TestServer[] servers = new TestServer[n];
        for (int i = 0; i < n; i++) {
            servers[i] = TestServer.start(TestServer.named(String.valueOf((char) ('a' + i))));
        }
        return servers;
    }

    private static void closeAll(TestServer[] servers) throws IOException {
        for (TestServer s : servers) {
            s.close();
        }
    }

    @Test
    void static_rr_walks_haproxys_weight_map() throws Exception {
        TestServer[] s = named(3);
        try {
            int port = Ports.free();
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("static-rr", config("static-rr", port, s)), port)) {
                List<String> order = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    order.add(TcpProxyIT.firstLine(port));
                }
                assertEquals(List.of("a", "a", "b", "a", "b", "c"), order);
            }
        } finally {
            closeAll(s);
        }
    }

    @Test
    void leastconn_sends_a_new_connection_to_the_server_with_fewer_sessions() throws Exception {
        TestServer[] s = named(2);
        try {
            int port = Ports.free();
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("leastconn", config("leastconn", port, s)), port);
                 Socket one = new Socket("127.0.0.1", port);
                 Socket two = new Socket("127.0.0.1", port)) {
                String first = TcpProxyIT.line(one);
                String second = TcpProxyIT.line(two);
                assertTrue(!first.equals(second), "two long-lived sessions on two servers: " + first + " " + second);
                one.close();
                Thread.sleep(300);
                // One server now has no session, the other one: the new connection goes where there is none.
                try (Socket three = new Socket("127.0.0.1", port)) {
                    assertEquals(first, TcpProxyIT.line(three));
                }
            }
        } finally {
            closeAll(s);
        }
    }

    @Test
    void source_keeps_each_client_address_on_the_server_haproxy_picks() throws Exception {
        TestServer[] s = named(3);
        try {
            int port = Ports.free();
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("source", config("source", port, s)), port)) {
                // The same mapping HAProxy 2.6 made (proxy-core's source-hash.tsv fixture).
                assertEquals("a", lineFrom("127.0.0.2", port));
                assertEquals("b", lineFrom("127.0.0.3", port));
                assertEquals("c", lineFrom("127.0.0.4", port));
                for (int i = 0; i < 3; i++) {
                    assertEquals("b", lineFrom("127.0.0.3", port), "stable for the same client");
                }
            }
        } finally {
            closeAll(s);
        }
    }

    @Test
    void first_and_random_are_selectable() throws Exception {
        TestServer[] s = named(2);
        try {
            int port = Ports.free();
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("first", config("first", port, s)), port)) {
                for (int i = 0; i < 3; i++) {
                    assertEquals("a", TcpProxyIT.firstLine(port));
                }
            }
            int port2 = Ports.free();
            try (Bascule proxy = Bascule.serve(Bascule.writeConfig("random", config("random(2)", port2, s)), port2)) {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < 30; i++) {
                    seen.add(TcpProxyIT.firstLine(port2));
                }
                assertEquals(Set.of("a", "b"), seen);
            }
        } finally {
            closeAll(s);
        }
    }

    /**
     * hash-balance-factor: one client address holds four sessions. Plain consistent hashing keeps them all on one
     * server; with a factor of 125 a server takes at most 1.25 times its share, so the others spill over.
     */
    @Test
    void hash_balance_factor_bounds_what_one_key_puts_on_a_server() throws Exception {
        TestServer[] s = named(2);
        try {
            for (String factor : new String[] {"", "\n    hash-balance-factor 125"}) {
                int port = Ports.free();
                String cfg = config("source\n    hash-type consistent" + factor, port, s);
                Set<String> seen = new HashSet<>();
                List<Socket> held = new ArrayList<>();
                try (Bascule proxy = Bascule.serve(Bascule.writeConfig("balance-factor", cfg), port)) {
                    for (int i = 0; i < 4; i++) {
                        Socket c = new Socket("127.0.0.1", port);
                        held.add(c);
                        seen.add(TcpProxyIT.line(c));
                    }
                } finally {
                    for (Socket c : held) {
                        c.close();
                    }
                }
                assertEquals(factor.isEmpty() ? 1 : 2, seen.size(), "servers holding the sessions" + factor + ": "
                        + seen);
            }
        } finally {
            closeAll(s);
        }
    }

    private static String lineFrom(String source, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            return TcpProxyIT.line(socket);
        }
    }

    @Test
    void a_full_server_makes_new_clients_wait_in_the_queue_until_a_slot_frees() throws Exception {
        try (TestServer echo = TestServer.start(TestServer.echo())) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("queue", TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%d
                        timeout queue 10s
                        server s1 127.0.0.1:%d maxconn 1
                    """.formatted(port, echo.port())));
            try (Bascule proxy = Bascule.serve(cfg, port); Socket first = new Socket("127.0.0.1", port)) {
                first.setSoTimeout(5000);
                first.getOutputStream().write('1');
                assertEquals('1', first.getInputStream().read());
                // Only now the second client: the two would otherwise race for the slot on two event loops.
                Socket second = new Socket("127.0.0.1", port);
                second.getOutputStream().write('2');
                second.setSoTimeout(800);
                assertThrows(java.net.SocketTimeoutException.class, () -> second.getInputStream().read(),
                        "the second client waits while the server has its one connection");
                assertEquals(1, echo.connections.get());
                first.close();
                second.setSoTimeout(5000);
                assertEquals('2', second.getInputStream().read(), "served as soon as the slot freed");
                second.close();
            }
        }
    }

    @Test
    void timeout_queue_closes_a_client_that_waited_too_long() throws Exception {
        try (TestServer echo = TestServer.start(TestServer.echo())) {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("queue-timeout", TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%d
                        timeout queue 500ms
                        server s1 127.0.0.1:%d maxconn 1
                    """.formatted(port, echo.port())));
            try (Bascule proxy = Bascule.serve(cfg, port); Socket first = new Socket("127.0.0.1", port)) {
                first.getOutputStream().write('1');
                first.setSoTimeout(5000);
                assertEquals('1', first.getInputStream().read());
                Socket second = new Socket("127.0.0.1", port);
                second.setSoTimeout(10_000);
                long start = System.nanoTime();
                assertEquals(-1, second.getInputStream().read());
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms >= 300 && ms < 5000, "closed after " + ms + " ms of queueing");
                assertEquals(1, echo.connections.get(), "the queued client never reached the server");
                second.close();
            }
        }
    }

    @Test
    void first_fills_each_server_up_to_its_maxconn() throws Exception {
        TestServer[] s = named(2);
        try {
            int port = Ports.free();
            Path cfg = Bascule.writeConfig("first-maxconn", TcpProxyIT.config("""
                    listen svc
                        bind 127.0.0.1:%d
                        balance first
                        server a 127.0.0.1:%d maxconn 2
                        server b 127.0.0.1:%d maxconn 2
                    """.formatted(port, s[0].port(), s[1].port())));
            try (Bascule proxy = Bascule.serve(cfg, port)) {
                // One after the other, each held open: the first server takes two, then the second one.
                List<Socket> held = new ArrayList<>();
                List<String> got = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Socket c = new Socket("127.0.0.1", port);
                    held.add(c);
                    got.add(TcpProxyIT.line(c));
                }
                assertEquals(List.of("a", "a", "b"), got);
                for (Socket c : held) {
                    c.close();
                }
            }
        } finally {
            closeAll(s);
        }
    }
}
