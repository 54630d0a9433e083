package dev.bascule.config.model;

/**
 * A proxy's timeouts in milliseconds; 0 means "not set", which HAProxy treats as infinite.
 */
public record Timeouts(long connectMs, long clientMs, long serverMs) {
    public static final Timeouts NONE = new Timeouts(0, 0, 0);

    public Timeouts withConnect(long ms) {
        return new Timeouts(ms, clientMs, serverMs);
    }

    public Timeouts withClient(long ms) {
        return new Timeouts(connectMs, ms, serverMs);
    }

    public Timeouts withServer(long ms) {
        return new Timeouts(connectMs, clientMs, ms);
    }
}
