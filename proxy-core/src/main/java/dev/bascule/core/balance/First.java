package dev.bascule.core.balance;

import dev.bascule.core.ServerState;

import java.net.SocketAddress;

/**
 * {@code balance first}: the first usable server in declaration order takes every new connection. HAProxy
 * moves to the next one when a server reaches its {@code maxconn}; server {@code maxconn} is not implemented
 * yet, so here the first usable server takes them all.
 */
public final class First implements Balancer {
    private final ServerPool pool;
    private final boolean allBackups;

    public First(ServerPool pool, boolean allBackups) {
        this.pool = pool;
        this.allBackups = allBackups;
    }

    @Override
    public ServerState pick(ServerState avoid, SocketAddress client) {
        ServerState fallback = null;
        for (ServerState s : pool.group(allBackups)) {
            if (s != avoid) {
                return s;
            }
            fallback = s;
        }
        return fallback;
    }
}
