package dev.bascule.core.tcp;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The inactivity timeout of a relayed TCP session. In a relay, {@code timeout client} and {@code timeout server}
 * watch the same bytes (what one side reads, the other writes), so one timer per session, at the shorter of
 * the two, closes it when they would. It replaces two {@code IdleStateHandler}s, which cost a promise and a
 * listener on every write and about 500 bytes per session. Both channels share one event loop, so the
 * activity mark needs no synchronisation.
 */
public final class SessionTimeout {
    private final Channel client;
    private final Channel server;
    private final long timeoutNanos;
    private long lastActivity;
    private ScheduledFuture<?> timer;

    private SessionTimeout(Channel client, Channel server, long timeoutNanos) {
        this.client = client;
        this.server = server;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * @return the started timer of a session between {@code client} and {@code server}, or null when both
     * timeouts are 0 (infinite, as in HAProxy)
     */
    public static SessionTimeout start(Channel client, Channel server, long clientMs, long serverMs) {
        long ms = clientMs <= 0 ? serverMs : serverMs <= 0 ? clientMs : Math.min(clientMs, serverMs);
        if (ms <= 0) {
            return null;
        }
        SessionTimeout t = new SessionTimeout(client, server, TimeUnit.MILLISECONDS.toNanos(ms));
        t.lastActivity = System.nanoTime();
        t.schedule(t.timeoutNanos);
        // A closed session must not stay referenced by the timer queue until its deadline.
        client.closeFuture().addListener(f -> t.timer.cancel(false));
        return t;
    }

    /** Bytes moved: the session is alive. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    private void schedule(long nanos) {
        timer = client.eventLoop().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
    }

    private void expired() {
        long idle = System.nanoTime() - lastActivity;
        if (idle >= timeoutNanos) {
            client.close();
            server.close();
        } else if (client.isActive()) {
            schedule(timeoutNanos - idle);
        }
    }
}
