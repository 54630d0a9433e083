package dev.bascule.core.balance;

import dev.bascule.core.ServerState;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The balancers against what a real HAProxy 2.6 did with the same servers (fixtures recorded by
 * bench/haproxy-ground-truth.py): a Bascule and an HAProxy given the same list choose the same servers.
 */
class HaproxyOrderTest {
    private static List<String[]> rows(String fixture) throws IOException {
        try (InputStream in = HaproxyOrderTest.class.getResourceAsStream(fixture)) {
            List<String[]> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    rows.add(line.split("\t"));
                }
            }
            return rows.subList(1, rows.size());
        }
    }

    /** Servers a, b, c... with the given weights and ids 1, 2, 3..., as HAProxy numbers them. */
    static List<ServerState> servers(String weights) {
        List<ServerState> servers = new ArrayList<>();
        String[] w = weights.split(":");
        for (int i = 0; i < w.length; i++) {
            servers.add(RoundRobinTest.server(String.valueOf((char) ('a' + i)), Integer.parseInt(w[i]), false, i + 1,
                    null));
        }
        return servers;
    }

    private static Stream<DynamicTest> sequences(String fixture, BiFunction<ServerPool, Boolean, Balancer> make)
            throws IOException {
        return rows(fixture).stream().map(r -> DynamicTest.dynamicTest(r[0], () -> {
            Balancer b = make.apply(new ServerPool(servers(r[0])), false);
            List<String> expected = Arrays.asList(r[1].split(","));
            List<String> got = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                got.add(b.pick(null, null, null).name());
            }
            assertEquals(expected, got);
        }));
    }

    @TestFactory
    Stream<DynamicTest> roundrobin_orders_as_haproxy() throws IOException {
        return sequences("roundrobin-sequences.tsv", RoundRobin::new);
    }

    @TestFactory
    Stream<DynamicTest> static_rr_orders_as_haproxy() throws IOException {
        return sequences("static-rr-sequences.tsv", StaticRoundRobin::new);
    }

    @Test
    void source_hash_sends_each_client_address_where_haproxy_does() throws IOException {
        Balancer b = new HashBalancer(new ServerPool(servers("1:1:1")), false, HashKeys.source(false), false, 0);
        for (String[] r : rows("source-hash.tsv")) {
            InetSocketAddress client = new InetSocketAddress(InetAddress.getByName(r[0]), 40000);
            assertEquals(r[1], b.pick(null, client, null).name(), r[0]);
        }
    }

    @Test
    void consistent_source_hash_moves_only_the_keys_of_a_server_that_leaves() throws IOException {
        List<ServerState> four = servers("1:1:1:1");
        Balancer before = new HashBalancer(new ServerPool(four), false, HashKeys.source(true), true, 0);
        Map<String, String> placed = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            InetSocketAddress c = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8),
                    (byte) i}), 1);
            placed.put(c.toString(), before.pick(null, c, null).name());
        }
        four.get(3).admin(ServerState.Admin.MAINT);
        int moved = 0;
        for (int i = 0; i < 1000; i++) {
            InetSocketAddress c = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8),
                    (byte) i}), 1);
            String was = placed.get(c.toString());
            String now = before.pick(null, c, null).name();
            if (!was.equals("d")) {
                assertEquals(was, now, "a key of a server that stayed must not move");
            } else {
                moved++;
            }
        }
        assertTrue(moved > 150 && moved < 350, "about a quarter of the keys were on d: " + moved);
    }

    @Test
    void leastconn_prefers_the_least_loaded_per_weight_and_rotates_ties() {
        List<ServerState> s = servers("1:1:2");
        Balancer b = new LeastConn(new ServerPool(s), false);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ServerState chosen = b.pick(null, null, null);
            assertTrue(chosen.tryTake());
            order.add(chosen.name());
        }
        // c (weight 2) takes two sessions for every one of a and b.
        assertEquals(2, order.stream().filter("c"::equals).count(), order.toString());
        assertEquals(1, order.stream().filter("a"::equals).count(), order.toString());
    }

    @Test
    void first_fills_the_first_usable_server() {
        List<ServerState> s = servers("1:1:1");
        Balancer b = new First(new ServerPool(s), false);
        assertEquals("a", b.pick(null, null, null).name());
        s.get(0).admin(ServerState.Admin.MAINT);
        assertEquals("b", b.pick(null, null, null).name());
    }

    @Test
    void random_draws_spread_by_weight() {
        List<ServerState> s = servers("1:3");
        Balancer b = new RandomDraws(new ServerPool(s), false, 1);
        int heavy = 0;
        for (int i = 0; i < 4000; i++) {
            heavy += b.pick(null, null, null).name().equals("b") ? 1 : 0;
        }
        assertTrue(heavy > 2600 && heavy < 3400, "weight 3 of 4 should take about 3000 of 4000: " + heavy);
    }
}
