package dev.bascule.core.balance;

import dev.bascule.core.ServerState;

/**
 * A load-balancing algorithm over one backend's servers (HAProxy's {@code lb_*.c}, one class each).
 * Implementations are shared by all event loops and must be thread-safe.
 */
public interface Balancer {
    /**
     * @param avoid a server to skip when another one can take the connection (a redispatch), or null
     * @return the chosen server, or null when the backend has none that can take a connection
     */
    ServerState pick(ServerState avoid);
}
