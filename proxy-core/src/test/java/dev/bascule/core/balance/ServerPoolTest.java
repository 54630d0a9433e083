package dev.bascule.core.balance;

import dev.bascule.core.ServerState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ServerPoolTest {
    @Test
    void the_generation_only_moves_when_a_server_changes() throws InterruptedException {
        ServerState a = RoundRobinTest.server("a", 1, false);
        ServerPool pool = new ServerPool(List.of(a));
        long g = pool.generation();
        // Without a slowstart in progress, time alone must not make balancers rebuild (and restart their order).
        Thread.sleep(250);
        assertEquals(g, pool.generation());
        a.admin(ServerState.Admin.MAINT);
        assertNotEquals(g, pool.generation());
    }
}
