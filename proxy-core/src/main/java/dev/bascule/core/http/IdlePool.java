package dev.bascule.core.http;

import dev.bascule.core.ServerState;
import io.netty.channel.Channel;
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
 */
final class IdlePool {
    /**
     * Per server and loop; beyond it a finished connection is closed instead of kept. HAProxy's default
     * ({@code pool-max-conn -1}) keeps them all: this only bounds a burst's leftovers. Too low a cap costs a
     * new server connection per request once more clients than this are busy (measured: ka500 at 0.45 of
     * HAProxy with a cap of 64).
     */
    static final int MAX_IDLE_PER_SERVER = 4096;
    /** HAProxy's default {@code pool-purge-delay}: connections idle for longer are closed. */
    static final long PURGE_DELAY_MS = 5000;

    /** One event loop's connections, and its purge timer while it holds any. */
    private static final class LoopPool {
        final Map<ServerState, ArrayDeque<Channel>> byServer = new HashMap<>();
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
        ArrayDeque<Channel> idle = POOLS.get().byServer.get(server);
        if (idle == null) {
            return null;
        }
        if (!provenOnly) {
            for (Channel c; (c = idle.pollFirst()) != null; ) {
                left(server, c);
                if (current(server, c)) {
                    return c;
                }
            }
            return null;
        }
        for (Iterator<Channel> it = idle.iterator(); it.hasNext(); ) {
            Channel c = it.next();
            if (!current(server, c)) {
                it.remove();
                left(server, c);
            } else if (side(c).requests() > 1) {
                it.remove();
                left(server, c);
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
     * Keeps {@code channel} for reuse; false (and the caller closes it) when the pool is full.
     *
     * @param now when it went idle (the caller's clock reading)
     */
    static boolean offer(ServerState server, Channel channel, long now) {
        LoopPool pool = POOLS.get();
        ArrayDeque<Channel> idle = pool.byServer.computeIfAbsent(server, s -> new ArrayDeque<>());
        if (idle.size() >= MAX_IDLE_PER_SERVER) {
            return false;
        }
        side(channel).idleSince(now);
        idle.addFirst(channel);
        server.idleChanged(safe(channel), 1);
        if (pool.purge == null) {
            pool.purge = channel.eventLoop().schedule(() -> purge(pool), PURGE_DELAY_MS, TimeUnit.MILLISECONDS);
        }
        return true;
    }

    static void remove(ServerState server, Channel channel) {
        ArrayDeque<Channel> idle = POOLS.get().byServer.get(server);
        if (idle != null && idle.remove(channel)) {
            left(server, channel);
        }
    }

    /**
     * HAProxy files a connection that served more than one request as "safe" (curr_safe_nb), one that served a
     * single one as not (curr_idle_nb): its count of requests does not change while it is idle.
     */
    private static boolean safe(Channel c) {
        return side(c).requests() > 1;
    }

    /** {@code c} left {@code server}'s idle connections (taken, closed or purged): the server's count follows. */
    private static void left(ServerState server, Channel c) {
        server.idleChanged(safe(c), -1);
    }

    /** A pooled connection's handler: {@link ServerSide} ends its pipeline. */
    private static ServerSide side(Channel c) {
        return (ServerSide) c.pipeline().last();
    }

    /** Closes what has been idle for {@link #PURGE_DELAY_MS}; runs again while anything is left. */
    private static void purge(LoopPool pool) {
        long oldest = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(PURGE_DELAY_MS);
        boolean left = false;
        for (Iterator<Map.Entry<ServerState, ArrayDeque<Channel>>> servers = pool.byServer.entrySet().iterator();
             servers.hasNext(); ) {
            Map.Entry<ServerState, ArrayDeque<Channel>> e = servers.next();
            ArrayDeque<Channel> idle = e.getValue();
            while (!idle.isEmpty() && side(idle.peekLast()).idleSince() - oldest <= 0) {
                Channel c = idle.pollLast();
                left(e.getKey(), c);
                c.close();
            }
            if (idle.isEmpty()) {
                servers.remove();
            } else {
                left = true;
            }
        }
        pool.purge = null;
        if (left) {
            Channel any = pool.byServer.values().iterator().next().peekFirst();
            pool.purge = any.eventLoop().schedule(() -> purge(pool), PURGE_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }
}
