package dev.bascule.core;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Balance;
import dev.bascule.config.model.CheckSettings;
import dev.bascule.config.model.Mode;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.Source;
import dev.bascule.config.model.Timeouts;
import dev.bascule.core.balance.RoundRobin;
import dev.bascule.core.balance.ServerPool;
import dev.bascule.core.check.CheckResult;
import dev.bascule.core.check.CheckStatus;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendStateTest {
    private static final CheckResult DOWN = new CheckResult(CheckStatus.L4CON, 0, "Connection refused", 1);
    private static final CheckResult UP = new CheckResult(CheckStatus.L4OK, 0, null, 1);

    private static ServerState server(String name, int weight, boolean backup, String onMarkedDown,
                                      String onMarkedUp, long slowstartMs) {
        ServerCheck d = ServerCheck.NONE;
        ServerCheck check = new ServerCheck(true, d.interMs(), d.fastinterMs(), d.downinterMs(), 1, 1, 0, null, false,
                slowstartMs, onMarkedDown, onMarkedUp, null, 10, "fastinter", null);
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new ServerState("b", new Server(name, new Source("t.cfg", 1), Address.inet("127.0.0.1", 80), 1, weight,
                0, 0, backup, false, null, check, List.of()), lo, new InetSocketAddress(lo, 80), NioSocketChannel.class);
    }

    private static BackendState backend(ServerState... servers) {
        return TestBackends.roundRobin("b", servers);
    }

    @Test
    void on_marked_down_shutdown_sessions_closes_the_servers_sessions() {
        ServerState s = server("s", 1, false, "shutdown-sessions", null, 0);
        EmbeddedChannel client = new EmbeddedChannel();
        s.track(client);
        backend(s).checked(s, DOWN);
        assertFalse(s.health().up());
        assertFalse(client.isOpen(), "the client's session was shut down");
    }

    @Test
    void sessions_stay_by_default_when_their_server_goes_down() {
        ServerState s = server("s", 1, false, null, null, 0);
        EmbeddedChannel client = new EmbeddedChannel();
        s.track(client);
        backend(s).checked(s, DOWN);
        assertTrue(client.isOpen());
    }

    @Test
    void on_marked_up_shutdown_backup_sessions_sends_clients_back_to_the_active_server() {
        ServerState active = server("a", 1, false, null, "shutdown-backup-sessions", 0);
        ServerState backup = server("bk", 1, true, null, null, 0);
        BackendState b = backend(active, backup);
        b.checked(active, DOWN);
        EmbeddedChannel onBackup = new EmbeddedChannel();
        backup.track(onBackup);
        b.checked(active, UP);
        assertTrue(active.health().up());
        assertFalse(onBackup.isOpen(), "sessions on the backup are shut down when the active server is back");
    }

    @Test
    void slowstart_ramps_the_weight_after_a_recovery_but_not_at_startup() {
        ServerState s = server("s", 100, false, null, null, 60_000);
        assertEquals(100, s.weight(), "no slowstart when the proxy starts");
        BackendState b = backend(s);
        b.checked(s, DOWN);
        b.checked(s, UP);
        assertTrue(s.health().up());
        assertTrue(s.weight() >= 1 && s.weight() < 10, "just back up: " + s.weight() + " of 100");
        ServerState quick = server("q", 100, false, null, null, 0);
        BackendState bq = backend(quick);
        bq.checked(quick, DOWN);
        bq.checked(quick, UP);
        assertEquals(100, quick.weight());
    }

    @Test
    void agent_words_set_state_and_weight() {
        ServerState s = server("s", 10, false, null, null, 0);
        BackendState b = backend(s);
        b.agentSaid(s, new CheckResult(CheckStatus.L7OK, 0, "drain", 1));
        assertEquals(ServerState.Admin.DRAIN, s.admin());
        b.agentSaid(s, new CheckResult(CheckStatus.L7OK, 0, "ready 50%", 1));
        assertEquals(ServerState.Admin.READY, s.admin());
        assertEquals(5, s.weight());
        b.agentSaid(s, new CheckResult(CheckStatus.L7OK, 0, "down", 1));
        assertFalse(s.health().up());
        b.agentSaid(s, new CheckResult(CheckStatus.L7OK, 0, "up,100%", 1));
        assertTrue(s.health().up());
        assertEquals(10, s.weight());
    }
}
