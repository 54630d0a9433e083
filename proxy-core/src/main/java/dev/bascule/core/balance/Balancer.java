package dev.bascule.core.balance;

import dev.bascule.core.ServerState;
import io.netty.handler.codec.http.HttpRequest;

import java.net.SocketAddress;

/**
 * A load-balancing algorithm over one backend's servers (HAProxy's {@code lb_*.c}, one class each).
 * Implementations are shared by all event loops and must be thread-safe. They only consider usable servers
 * (UP, READY, weight above 0), and turn to the backups only when no active server is usable: the first
 * usable backup, or all of them with {@code option allbackups}.
 */
public interface Balancer {
    /**
     * @param avoid  a server to skip when another one can take the connection (a redispatch), or null
     * @param client  the client's address, for algorithms that hash it
     * @param request the request head in mode http, for algorithms that hash part of it; null in mode tcp
     * @return the chosen server, or null when the backend has none that can take a connection
     */
    ServerState pick(ServerState avoid, SocketAddress client, HttpRequest request);

    /** Asks its servers again to tell it of their load (a server holds one listener: the last to ask wins). */
    default void attach() {
    }
}
