package dev.bascule.core.http;

import dev.bascule.core.ServerState;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle server connections, per event loop and per server, shared by every client connection of that loop
 * ({@code http-reuse} decides which requests may take one). A server connection lives on the event loop of the
 * client that opened it, so a loop's pool is only ever touched by that loop: no locking. The most recently used
 * connection is taken first, so the ones left idle longest are at the tail, where the purge takes them.
 * <p>
 * What is kept follows HAProxy 2.6 ({@code srv_add_to_idle_list}, {@code srv_cleanup_idle_conns}): a finished
 * connection is kept when its loop has none of its kind idle for that server yet, or while the loop's in-use and
 * idle connections to the server stay within its {@link NeededConnections} estimate; otherwise it is closed at
 * once. Every {@code pool-purge-delay} half of the idle connections beyond the estimate are closed. So clients that
 * stay connected but idle after a request do not each hold an idle server connection: a few are kept.
 */
final class IdlePool {
    /**
     * Per server and loop; beyond it a finished connection is closed instead of kept. HAProxy's default
     * ({@code pool-max-conn -1}) keeps them all: this only bounds a burst's leftovers. Too low a cap costs a
     * new server connection per request once more clients than this are busy (measured: ka500 at 0.45 of
     * HAProxy with a cap of 64).
     */
    static final int MAX_IDLE_PER_SERVER = 4096;
    /** HAProxy's default {@code pool-purge-delay}: how often the connections beyond the need are thinned. */
    static final long PURGE_DELAY_MS = 5000;

    /** One event loop's idle connections to one server, most recently used first, and what it needs. */
    private static final class ServerIdle {
        final ArrayDeque<Channel> connections = new ArrayDeque<>();
        final NeededConnections need = new NeededConnections();
        /** How many of them carried more than one request (HAProxy's safe list; the others, its idle list). */
        int safe;

        void added(Channel c) {
            safe += safe(c) ? 1 : 0;
        }

        void removed(Channel c) {
            safe -= safe(c) ? 1 : 0;
        }

        /** HAProxy keeps a loop's first idle connection of a kind regardless of the estimate. */
        boolean firstOfItsKind(boolean isSafe) {
            return safe == 0 && (isSafe || connections.isEmpty());
        }
    }

    /** One event loop's connections, and its purge timer while it holds any. */
    private static final class LoopPool {
        final Map<ServerState, ServerIdle> byServer = new HashMap<>();
        ScheduledFuture<?> purge;
    }

    private static final FastThreadLocal<LoopPool> POOLS = new FastThreadLocal<>() {
        @Override
        protected LoopPool initialValue() {
            return new LoopPool();
        }
    };

    private IdlePool() {
    }

    /**
     * An open idle connection to {@code server}, now out of the pool, or null.
     *
     * @param provenOnly only one that carried more than one request ({@code http-reuse aggressive}'s first
     *                   requests: the server is known to keep connections)
     */
    static Channel take(ServerState server, boolean provenOnly) {
        ServerIdle idle = POOLS.get().byServer.get(server);
        if (idle == null) {
            return null;
        }
        if (!provenOnly) {
            for (Channel c; (c = idle.connections.pollFirst()) != null; ) {
                left(server, idle, c);
                if (current(server, c)) {
                    return c;
                }
            }
            return null;
        }
        for (Iterator<Channel> it = idle.connections.iterator(); it.hasNext(); ) {
            Channel c = it.next();
            if (!current(server, c)) {
                it.remove();
                left(server, idle, c);
            } else if (safe(c)) {
                it.remove();
                left(server, idle, c);
                return c;
            }
        }
        return null;
    }

    /**
     * Open, and to the server's current address: one opened before DNS or {@code set server addr} moved the server
     * is closed rather than reused, so that requests follow the move at once.
     */
    private static boolean current(ServerState server, Channel c) {
        if (c.isActive() && server.reaches(c.remoteAddress())) {
            return true;
        }
        c.close();
        return false;
    }

    /** A transaction on this loop took a connection to {@code server} (a new one, or one of the pool's). */
    static void taken(ServerState server) {
        POOLS.get().byServer.computeIfAbsent(server, s -> new ServerIdle()).need.taken();
    }

    /** That transaction ended; {@link #offer} comes next for its connection, unless it closes. */
    static void released(ServerState server) {
        ServerIdle idle = POOLS.get().byServer.get(server);
        if (idle != null) {
            idle.need.released();
        }
    }

    /**
     * Keeps {@code channel} for reuse; false (and the caller closes it) when the pool is full or the loop has more
     * connections to the server than it needs. Called once its transaction is {@link #released}.
     */
    static boolean offer(ServerState server, Channel channel) {
        LoopPool pool = POOLS.get();
        ServerIdle idle = pool.byServer.computeIfAbsent(server, s -> new ServerIdle());
        if (idle.connections.size() >= MAX_IDLE_PER_SERVER
                || !idle.firstOfItsKind(safe(channel)) && !idle.need.roomFor(idle.connections.size())) {
            return false;
        }
        idle.connections.addFirst(channel);
        idle.added(channel);
        server.idleChanged(safe(channel), 1);
        if (pool.purge == null) {
            schedulePurge(pool, channel.eventLoop());
        }
        return true;
    }

    static void remove(ServerState server, Channel channel) {
        ServerIdle idle = POOLS.get().byServer.get(server);
        if (idle != null && idle.connections.remove(channel)) {
            left(server, idle, channel);
        }
    }

    /**
     * HAProxy files a connection that served more than one request as "safe" (curr_safe_nb), one that served a
     * single one as not (curr_idle_nb): its count of requests does not change while it is idle.
     */
    private static boolean safe(Channel c) {
        return side(c).requests() > 1;
    }

    /** {@code c} left {@code server}'s idle connections (taken, closed or purged): the counts follow. */
    private static void left(ServerState server, ServerIdle idle, Channel c) {
        idle.removed(c);
        server.idleChanged(safe(c), -1);
    }

    /** A pooled connection's handler: {@link ServerSide} ends its pipeline. */
    private static ServerSide side(Channel c) {
        return (ServerSide) c.pipeline().last();
    }

    private static void schedulePurge(LoopPool pool, EventLoop loop) {
        pool.purge = loop.schedule(() -> {
            pool.purge = null;
            if (purgeNow()) {
                schedulePurge(pool, loop);
            }
        }, PURGE_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * The purge of the calling event loop's pool (its timer runs it every {@link #PURGE_DELAY_MS}): closes, for each
     * server, half the idle connections beyond the need, the longest idle first.
     *
     * @return whether any idle connection is left (the purge runs again)
     */
    static boolean purgeNow() {
        boolean left = false;
        for (Iterator<Map.Entry<ServerState, ServerIdle>> servers = POOLS.get().byServer.entrySet().iterator();
             servers.hasNext(); ) {
            Map.Entry<ServerState, ServerIdle> e = servers.next();
            ServerIdle idle = e.getValue();
            for (int close = idle.need.purge(idle.connections.size()); close > 0; close--) {
                Channel c = idle.connections.pollLast();
                left(e.getKey(), idle, c);
                c.close();
            }
            if (!idle.connections.isEmpty()) {
                left = true;
            } else if (idle.need.used() == 0) {
                servers.remove();
            }
        }
        return left;
    }
}
