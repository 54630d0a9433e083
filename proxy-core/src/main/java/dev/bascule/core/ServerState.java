package dev.bascule.core;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Server;
import io.netty.channel.Channel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A server's live side: where to connect and its counters, next to its immutable config. */
public final class ServerState {
    private final String backendName;
    private final Server config;
    private final InetAddress host;
    private final SocketAddress fixed;
    private final Class<? extends Channel> connector;
    private final AtomicInteger currentSessions = new AtomicInteger();
    private final AtomicLong totalSessions = new AtomicLong();
    private final AtomicLong connectionErrors = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong redispatches = new AtomicLong();

    /**
     * @param host  the resolved host of a TCP server, else null
     * @param fixed where to connect, or null for a TCP server without port (it takes the client's)
     * @param connector the channel type that connects to it
     */
    public ServerState(String backendName, Server config, InetAddress host, SocketAddress fixed,
                       Class<? extends Channel> connector) {
        this.backendName = backendName;
        this.config = config;
        this.host = host;
        this.fixed = fixed;
        this.connector = connector;
    }

    public Class<? extends Channel> connector() {
        return connector;
    }

    public Server config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /** {@code backend/server}, as HAProxy names a server in its logs. */
    public String id() {
        return backendName + "/" + config.name();
    }

    public int weight() {
        return config.weight();
    }

    /**
     * Where to connect for a client that reached {@code clientLocal}; null when the server takes the client's
     * port but the client did not come over TCP.
     */
    public SocketAddress socketAddress(SocketAddress clientLocal) {
        if (fixed != null) {
            return fixed;
        }
        return clientLocal instanceof InetSocketAddress local
                ? new InetSocketAddress(host, local.getPort()) : null;
    }

    public Address address() {
        return config.address();
    }

    public void sessionStarted() {
        currentSessions.incrementAndGet();
        totalSessions.incrementAndGet();
    }

    public void sessionEnded() {
        currentSessions.decrementAndGet();
    }

    public void connectionFailed() {
        connectionErrors.incrementAndGet();
    }

    public void retried() {
        retries.incrementAndGet();
    }

    public void redispatched() {
        redispatches.incrementAndGet();
    }

    public int currentSessions() {
        return currentSessions.get();
    }

    public long totalSessions() {
        return totalSessions.get();
    }

    public long connectionErrors() {
        return connectionErrors.get();
    }

    public long retries() {
        return retries.get();
    }

    public long redispatches() {
        return redispatches.get();
    }
}
