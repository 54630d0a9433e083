package dev.bascule.core.balance;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.Source;
import dev.bascule.core.ServerState;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RoundRobinTest {
    private static ServerState server(String name, int weight) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return new ServerState("b", new Server(name, new Source("t.cfg", 1), Address.inet("127.0.0.1", 80), weight,
                List.of()), loopback, new InetSocketAddress(loopback, 80), NioSocketChannel.class);
    }

    private static List<String> picks(Balancer balancer, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(balancer.pick(null).name());
        }
        return names;
    }

    @Test
    void equal_weights_take_turns() {
        RoundRobin rr = new RoundRobin(List.of(server("a", 1), server("b", 1), server("c", 1)));
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), picks(rr, 6));
    }

    @Test
    void weights_3_2_1_interleave_smoothly() {
        RoundRobin rr = new RoundRobin(List.of(server("a", 3), server("b", 2), server("c", 1)));
        assertEquals(List.of("a", "b", "a", "c", "b", "a", "a", "b", "a", "c", "b", "a"), picks(rr, 12));
    }

    @Test
    void shares_follow_weights_over_many_picks() {
        RoundRobin rr = new RoundRobin(List.of(server("a", 256), server("b", 10), server("c", 1)));
        Map<String, Integer> counts = new HashMap<>();
        picks(rr, 267 * 100).forEach(n -> counts.merge(n, 1, Integer::sum));
        assertEquals(Map.of("a", 25600, "b", 1000, "c", 100), counts);
    }

    @Test
    void weight_zero_gets_no_traffic() {
        RoundRobin rr = new RoundRobin(List.of(server("a", 0), server("b", 1)));
        assertEquals(List.of("b", "b", "b"), picks(rr, 3));
        assertNull(new RoundRobin(List.of(server("a", 0))).pick(null));
        assertNull(new RoundRobin(List.of()).pick(null));
    }

    @Test
    void a_redispatch_avoids_the_failed_server_unless_it_is_the_only_one() {
        ServerState a = server("a", 1);
        ServerState b = server("b", 1);
        RoundRobin rr = new RoundRobin(List.of(a, b));
        for (int i = 0; i < 4; i++) {
            assertEquals(b, rr.pick(a));
        }
        RoundRobin alone = new RoundRobin(List.of(a));
        assertEquals(a, alone.pick(a));
    }
}
