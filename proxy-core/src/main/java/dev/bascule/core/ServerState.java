package dev.bascule.core;

import dev.bascule.config.model.Server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A server's live side: its resolved address and counters, next to its immutable config. */
public final class ServerState {
    private final String backendName;
    private final Server config;
    private final InetAddress address;
    private final AtomicInteger currentSessions = new AtomicInteger();
    private final AtomicLong totalSessions = new AtomicLong();
    private final AtomicLong connectionErrors = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong redispatches = new AtomicLong();

    public ServerState(String backendName, Server config, InetAddress address) {
        this.backendName = backendName;
        this.config = config;
        this.address = address;
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

    /** Where to connect for a client that connected to {@code clientPort} (used when the server has no port). */
    public InetSocketAddress socketAddress(int clientPort) {
        return new InetSocketAddress(address, config.port() == Server.SAME_PORT ? clientPort : config.port());
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
