package dev.bascule.core.balance;

import dev.bascule.core.ServerState;

import java.net.SocketAddress;

/**
 * {@code balance first}: the first usable server in declaration order that is below its {@code maxconn}
 * takes the new connection, so servers fill up one after the other.
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
            if (!s.hasSlot()) {
                continue;
            }
            if (s != avoid) {
                return s;
            }
            fallback = s;
        }
        return fallback;
    }
}
