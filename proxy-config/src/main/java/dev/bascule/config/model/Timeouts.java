package dev.bascule.config.model;

/**
 * A proxy's timeouts in milliseconds; 0 means "not set", which HAProxy treats as infinite.
 */
public record Timeouts(long connectMs, long clientMs, long serverMs, long queueMs) {
    public static final Timeouts NONE = new Timeouts(0, 0, 0, 0);

    public Timeouts withConnect(long ms) {
        return new Timeouts(ms, clientMs, serverMs, queueMs);
    }

    public Timeouts withClient(long ms) {
        return new Timeouts(connectMs, ms, serverMs, queueMs);
    }

    public Timeouts withServer(long ms) {
        return new Timeouts(connectMs, clientMs, ms, queueMs);
    }

    public Timeouts withQueue(long ms) {
        return new Timeouts(connectMs, clientMs, serverMs, ms);
    }

    /** How long a connection may wait for a server slot: {@code timeout queue}, else {@code timeout connect}. */
    public long effectiveQueueMs() {
        return queueMs > 0 ? queueMs : connectMs;
    }
}
