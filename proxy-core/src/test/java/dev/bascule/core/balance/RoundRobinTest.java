package dev.bascule.core.balance;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.Source;
import dev.bascule.core.ServerState;
import dev.bascule.core.check.CheckResult;
import dev.bascule.core.check.CheckStatus;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoundRobinTest {
    private static ServerState server(String name, int weight) {
        return server(name, weight, false);
    }

    static ServerState server(String name, int weight, boolean backup) {
        return server(name, weight, backup, 1, null);
    }

    static ServerState server(String name, int weight, boolean backup, int id, String cookie) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return new ServerState("b", new Server(name, new Source("t.cfg", 1), Address.inet("127.0.0.1", 80), id, weight,
                0, 0, backup, false, cookie, ServerCheck.NONE, List.of()), loopback, new InetSocketAddress(loopback, 80),
                NioSocketChannel.class);
    }

    private static RoundRobin rr(boolean allBackups, List<ServerState> servers) {
        return new RoundRobin(new ServerPool(servers), allBackups);
    }

    private static void down(ServerState s) {
        s.health().markDown(new CheckResult(CheckStatus.L4CON, 0, "Connection refused", 0));
    }

    private static List<String> picks(Balancer balancer, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(balancer.pick(null, null, null).name());
        }
        return names;
    }

    @Test
    void equal_weights_take_turns() {
        RoundRobin rr = rr(false, List.of(server("a", 1), server("b", 1), server("c", 1)));
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), picks(rr, 6));
    }

    @Test
    void weights_3_2_1_in_haproxys_order() {
        RoundRobin rr = rr(false, List.of(server("a", 3), server("b", 2), server("c", 1)));
        assertEquals(List.of("a", "b", "a", "c", "a", "b", "a", "b", "a", "c", "a", "b"), picks(rr, 12));
    }

    @Test
    void shares_follow_weights_over_many_picks() {
        RoundRobin rr = rr(false, List.of(server("a", 256), server("b", 10), server("c", 1)));
        Map<String, Integer> counts = new HashMap<>();
        picks(rr, 267 * 100).forEach(n -> counts.merge(n, 1, Integer::sum));
        assertEquals(Map.of("a", 25600, "b", 1000, "c", 100), counts);
    }

    @Test
    void weight_zero_gets_no_traffic() {
        RoundRobin rr = rr(false, List.of(server("a", 0), server("b", 1)));
        assertEquals(List.of("b", "b", "b"), picks(rr, 3));
        assertNull(rr(false, List.of(server("a", 0))).pick(null, null, null));
        assertNull(rr(false, List.of()).pick(null, null, null));
    }

    @Test
    void down_servers_are_skipped_and_backups_only_serve_when_no_active_server_can() {
        ServerState a = server("a", 1);
        ServerState b = server("b", 1);
        ServerState bk1 = server("bk1", 1, true);
        ServerState bk2 = server("bk2", 1, true);
        RoundRobin rr = rr(false, List.of(a, b, bk1, bk2));
        assertEquals(List.of("a", "b", "a", "b"), picks(rr, 4));
        down(a);
        assertEquals(List.of("b", "b"), picks(rr, 2));
        down(b);
        assertEquals(List.of("bk1", "bk1", "bk1"), picks(rr, 3), "the first backup takes it all");
        RoundRobin all = rr(true, List.of(a, b, bk1, bk2));
        assertEquals(List.of("bk1", "bk2", "bk1", "bk2"), picks(all, 4), "option allbackups");
        down(bk1);
        down(bk2);
        assertNull(rr(false, List.of(a, b, bk1, bk2)).pick(null, null, null));
    }

    @Test
    void a_server_in_maintenance_gets_nothing() {
        ServerState a = server("a", 1);
        ServerState b = server("b", 1);
        a.admin(ServerState.Admin.MAINT);
        assertEquals(List.of("b", "b"), picks(rr(false, List.of(a, b)), 2));
    }

    @Test
    void a_redispatch_avoids_the_failed_server_unless_it_is_the_only_one() {
        ServerState a = server("a", 1);
        ServerState b = server("b", 1);
        RoundRobin rr = rr(false, List.of(a, b));
        for (int i = 0; i < 4; i++) {
            assertEquals(b, rr.pick(a, null, null));
        }
        RoundRobin alone = rr(false, List.of(a));
        assertEquals(a, alone.pick(a, null, null));
    }

    /** A change to one server leaves the others where they are in the rotation (HAProxy requeues that one only). */
    @Test
    void a_server_leaving_or_changing_weight_does_not_restart_the_rotation() {
        ServerState a = server("a", 1);
        ServerState b = server("b", 1);
        ServerState c = server("c", 1);
        ServerState d = server("d", 1);
        RoundRobin rr = rr(false, List.of(a, b, c, d));
        assertEquals(List.of("a", "b"), picks(rr, 2));
        d.admin(ServerState.Admin.MAINT);
        assertEquals(List.of("c", "a", "b", "c"), picks(rr, 4));
        a.weight(3);
        Map<String, Integer> counts = new HashMap<>();
        picks(rr, 500).forEach(n -> counts.merge(n, 1, Integer::sum));
        assertTrue(counts.get("a") > 280 && counts.get("a") < 320, "a new weight takes its share: " + counts);
    }
}
