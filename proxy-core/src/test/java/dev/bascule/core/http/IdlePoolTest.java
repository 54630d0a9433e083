package dev.bascule.core.http;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.Source;
import dev.bascule.core.ServerState;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which finished server connections the pool keeps, as HAProxy 2.6 decides: a loop's first, then what the server's
 * estimate of the connections it needs allows; the purge thins the rest.
 */
class IdlePoolTest {
    private static ServerState server() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new ServerState("be", new Server("s1", new Source("t.cfg", 1), Address.inet("127.0.0.1", 80), 1, 1, 0,
                0, false, false, null, ServerCheck.NONE, List.of()), lo, new InetSocketAddress(lo, 80),
                NioSocketChannel.class);
    }

    /** A server connection that carried {@code requests} requests, its session on the server ended. */
    private static Channel finished(ServerState server, int requests) {
        ServerSide side = new ServerSide(server, null, new ResponseParser(HttpProxy.BUFSIZE));
        EmbeddedChannel c = new EmbeddedChannel(side);
        for (int i = 0; i < requests; i++) {
            side.sending(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        }
        return c;
    }

    private static int idle(ServerState s) {
        return s.idleSafe() + s.idleUnsafe();
    }

    @Test
    void clients_that_come_one_after_another_and_stay_idle_leave_one_idle_server_connection() {
        ServerState s = server();
        List<Channel> closedAtOnce = new ArrayList<>();
        for (int client = 0; client < 10; client++) {
            IdlePool.taken(s);
            IdlePool.released(s);
            Channel c = finished(s, 1);
            if (!IdlePool.offer(s, c)) {
                closedAtOnce.add(c);
            }
        }
        assertEquals(1, idle(s), "one was ever in use at once: one is kept");
        assertEquals(9, closedAtOnce.size());
    }

    @Test
    void a_burst_keeps_what_it_used_then_the_purge_closes_them_once_nobody_needs_them() {
        ServerState s = server();
        List<Channel> connections = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            IdlePool.taken(s);
        }
        for (int i = 0; i < 10; i++) {
            IdlePool.released(s);
            Channel c = finished(s, 1);
            assertTrue(IdlePool.offer(s, c), "within the ten in use at once");
            connections.add(c);
        }
        assertEquals(10, idle(s));
        List<Integer> left = new ArrayList<>();
        for (int purge = 0; purge < 8 && idle(s) > 0; purge++) {
            IdlePool.purgeNow();
            left.add(idle(s));
        }
        // Kept while the peak of 10 is the estimate, then the estimate halves and half the excess (+1) goes.
        assertEquals("[10, 10, 6, 3, 1, 0]", left.toString());
        assertFalse(connections.stream().anyMatch(Channel::isActive), "every purged connection is closed");
    }

    @Test
    void a_connection_that_carried_several_requests_is_kept_beside_a_first_one() {
        ServerState s = server();
        IdlePool.taken(s);
        IdlePool.released(s);
        assertTrue(IdlePool.offer(s, finished(s, 1)));
        assertTrue(IdlePool.offer(s, finished(s, 2)), "the loop's first proven (safe) one");
        assertFalse(IdlePool.offer(s, finished(s, 2)), "a second is beyond the need");
        assertEquals(1, s.idleSafe());
        assertEquals(1, s.idleUnsafe());
        for (int purge = 0; purge < 10 && idle(s) > 0; purge++) {
            IdlePool.purgeNow();
        }
        assertEquals(0, idle(s), "purged once nobody needs them");
    }
}
