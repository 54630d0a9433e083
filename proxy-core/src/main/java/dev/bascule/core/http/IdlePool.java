package dev.bascule.core.http;

import dev.bascule.core.ServerState;
import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle server connections, per event loop and per server, shared by every client connection of that loop
 * (HAProxy's {@code http-reuse safe}: a client's first request gets a fresh connection, later ones may take
 * an idle one). A server connection lives on the event loop of the client that opened it, so a loop's pool
 * is only ever touched by that loop: no locking. The most recently used connection is taken first.
 */
final class IdlePool {
    /**
     * Per server and loop; beyond it a finished connection is closed instead of kept. HAProxy's default
     * ({@code pool-max-conn -1}) keeps them all: this only bounds a burst's leftovers. Too low a cap costs a
     * new server connection per request once more clients than this are busy (measured: ka500 at 0.45 of
     * HAProxy with a cap of 64).
     */
    static final int MAX_IDLE_PER_SERVER = 4096;

    private static final FastThreadLocal<Map<ServerState, ArrayDeque<Channel>>> POOLS = new FastThreadLocal<>() {
        @Override
        protected Map<ServerState, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    private IdlePool() {
    }

    /** An open idle connection to {@code server}, now out of the pool, or null. */
    static Channel take(ServerState server) {
        ArrayDeque<Channel> idle = POOLS.get().get(server);
        while (idle != null && !idle.isEmpty()) {
            Channel c = idle.pollFirst();
            if (c.isActive()) {
                return c;
            }
        }
        return null;
    }

    /** Keeps {@code channel} for reuse; false (and the caller closes it) when the pool is full. */
    static boolean offer(ServerState server, Channel channel) {
        ArrayDeque<Channel> idle = POOLS.get().computeIfAbsent(server, s -> new ArrayDeque<>());
        if (idle.size() >= MAX_IDLE_PER_SERVER) {
            return false;
        }
        idle.addFirst(channel);
        return true;
    }

    static void remove(ServerState server, Channel channel) {
        ArrayDeque<Channel> idle = POOLS.get().get(server);
        if (idle != null) {
            idle.remove(channel);
        }
    }
}
