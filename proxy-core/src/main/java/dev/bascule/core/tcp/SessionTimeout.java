package dev.bascule.core.tcp;

import dev.bascule.core.stream.Stream;
import dev.bascule.core.stream.Termination;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The inactivity timeout of a relayed TCP session. In a relay, {@code timeout client} and {@code timeout server}
 * watch the same bytes (what one side reads, the other writes), so one timer per session, at the shorter of
 * the two, closes it when they would. It replaces two {@code IdleStateHandler}s, which cost a promise and a
 * listener on every write and about 500 bytes per session. Both channels share one event loop, so the
 * activity mark needs no synchronisation. Both sides see the same bytes, so the shorter timeout always strikes
 * first: the termination names it (the client's when both are equal).
 */
public final class SessionTimeout {
    private final Channel client;
    private final Channel server;
    private final long timeoutNanos;
    /** Which of the two timeouts this is (the shorter): what a log says struck, {@code cD} or {@code sD}. */
    private final Termination.Cause cause;
    private final Stream stream;
    private long lastActivity;
    private ScheduledFuture<?> timer;

    private SessionTimeout(Channel client, Channel server, long timeoutNanos, Termination.Cause cause,
                           Stream stream) {
        this.client = client;
        this.server = server;
        this.timeoutNanos = timeoutNanos;
        this.cause = cause;
        this.stream = stream;
    }

    /**
     * @return the started timer of a session between {@code client} and {@code server}, or null when both
     * timeouts are 0 (infinite, as in HAProxy)
     */
    public static SessionTimeout start(Channel client, Channel server, long clientMs, long serverMs, Stream stream) {
        boolean clientFirst = serverMs <= 0 || clientMs > 0 && clientMs <= serverMs;
        long ms = clientFirst ? clientMs : serverMs;
        if (ms <= 0) {
            return null;
        }
        SessionTimeout t = new SessionTimeout(client, server, TimeUnit.MILLISECONDS.toNanos(ms),
                clientFirst ? Termination.Cause.CLIENT_TIMEOUT : Termination.Cause.SERVER_TIMEOUT, stream);
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
            stream.terminate(cause);
            client.close();
            server.close();
        } else if (client.isActive()) {
            schedule(timeoutNanos - idle);
        }
    }
}
