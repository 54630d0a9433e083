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
 * connection is kept when its loop has none of its kind idle for that server yet, or while the server's in-use and
 * idle connections stay within the {@link NeededConnections} estimate; otherwise it is closed at once. Every
 * {@code pool-purge-delay} half of the idle connections beyond the estimate are closed. So clients that stay
 * connected but idle after a request do not each hold an idle server connection: a few are kept.
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

    /** One event loop's idle connections to one server, most recently used first. */
    private static final class ServerIdle {
        final ArrayDeque<Channel> connections = new ArrayDeque<>();
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

    /**
     * Keeps {@code channel} for reuse; false (and the caller closes it) when the pool is full or the server has
     * more connections than it needs. Called once the transaction's session on the server has ended.
     */
    static boolean offer(ServerState server, Channel channel) {
        LoopPool pool = POOLS.get();
        ServerIdle idle = pool.byServer.computeIfAbsent(server, s -> new ServerIdle());
        if (idle.connections.size() >= MAX_IDLE_PER_SERVER) {
            return false;
        }
        // HAProxy counts the finished connection as still in use when it decides (its session ended just before).
        if (!idle.firstOfItsKind(safe(channel)) && !server.neededConnections().roomFor(server.currentSessions() + 1,
                server.idleSafe() + server.idleUnsafe())) {
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
            if (thin(pool, loop.ticker().nanoTime())) {
                schedulePurge(pool, loop);
            }
        }, PURGE_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    /** The purge, now, of the calling event loop's pool (its timer does the same every {@link #PURGE_DELAY_MS}). */
    static boolean thin(long now) {
        return thin(POOLS.get(), now);
    }

    /**
     * Closes this loop's share of each server's idle connections beyond the need, the longest idle first.
     *
     * @return whether any idle connection is left (the purge runs again)
     */
    private static boolean thin(LoopPool pool, long now) {
        boolean left = false;
        for (Iterator<Map.Entry<ServerState, ServerIdle>> servers = pool.byServer.entrySet().iterator();
             servers.hasNext(); ) {
            Map.Entry<ServerState, ServerIdle> e = servers.next();
            ServerState server = e.getKey();
            ServerIdle idle = e.getValue();
            int close = server.neededConnections().purge(now, TimeUnit.MILLISECONDS.toNanos(PURGE_DELAY_MS),
                    server.currentSessions(), server.idleSafe() + server.idleUnsafe(), idle.connections.size());
            for (; close > 0 && !idle.connections.isEmpty(); close--) {
                Channel c = idle.connections.pollLast();
                left(server, idle, c);
                c.close();
            }
            if (idle.connections.isEmpty()) {
                servers.remove();
            } else {
                left = true;
            }
        }
        return left;
    }
}
