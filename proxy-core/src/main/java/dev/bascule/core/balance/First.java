package dev.bascule.core.balance;

import dev.bascule.core.ServerState;
import io.netty.handler.codec.http.HttpRequest;

import java.net.SocketAddress;

/**
 * {@code balance first}: the first usable server in declaration order that is below its {@code maxconn}
 * takes the new connection, so servers fill up one after the other.
 */
public final class First extends GroupBalancer {
    public First(ServerPool pool, boolean allBackups) {
        super(pool, allBackups);
    }

    @Override
    public synchronized ServerState pick(ServerState avoid, SocketAddress client, HttpRequest request) {
        refresh();
        ServerState fallback = null;
        for (ServerState s : group) {
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
