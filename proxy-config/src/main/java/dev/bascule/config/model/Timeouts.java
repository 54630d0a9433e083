package dev.bascule.config.model;

/**
 * A proxy's timeouts in milliseconds; 0 means "not set", which HAProxy treats as infinite.
 *
 * @param httpRequestMs   {@code timeout http-request}: the whole request head must arrive within it
 * @param httpKeepAliveMs {@code timeout http-keep-alive}: how long a client may wait before its next request
 * @param tunnelMs        {@code timeout tunnel}: replaces the client and server timeouts once a connection is a
 *                        tunnel (after an HTTP upgrade)
 */
public record Timeouts(long connectMs, long clientMs, long serverMs, long queueMs, long httpRequestMs,
                       long httpKeepAliveMs, long tunnelMs) {
    public static final Timeouts NONE = new Timeouts(0, 0, 0, 0, 0, 0, 0);

    public Timeouts withConnect(long ms) {
        return new Timeouts(ms, clientMs, serverMs, queueMs, httpRequestMs, httpKeepAliveMs, tunnelMs);
    }

    public Timeouts withClient(long ms) {
        return new Timeouts(connectMs, ms, serverMs, queueMs, httpRequestMs, httpKeepAliveMs, tunnelMs);
    }

    public Timeouts withServer(long ms) {
        return new Timeouts(connectMs, clientMs, ms, queueMs, httpRequestMs, httpKeepAliveMs, tunnelMs);
    }

    public Timeouts withQueue(long ms) {
        return new Timeouts(connectMs, clientMs, serverMs, ms, httpRequestMs, httpKeepAliveMs, tunnelMs);
    }

    public Timeouts withHttpRequest(long ms) {
        return new Timeouts(connectMs, clientMs, serverMs, queueMs, ms, httpKeepAliveMs, tunnelMs);
    }

    public Timeouts withHttpKeepAlive(long ms) {
        return new Timeouts(connectMs, clientMs, serverMs, queueMs, httpRequestMs, ms, tunnelMs);
    }

    public Timeouts withTunnel(long ms) {
        return new Timeouts(connectMs, clientMs, serverMs, queueMs, httpRequestMs, httpKeepAliveMs, ms);
    }

    /** How long a connection may wait for a server slot: {@code timeout queue}, else {@code timeout connect}. */
    public long effectiveQueueMs() {
        return queueMs > 0 ? queueMs : connectMs;
    }

    /** HAProxy's rule: the request head is bounded by {@code timeout http-request}, else {@code timeout client}. */
    public long effectiveHttpRequestMs() {
        return httpRequestMs > 0 ? httpRequestMs : clientMs;
    }

    /** The wait for a next request: {@code timeout http-keep-alive}, else {@code timeout http-request}. */
    public long effectiveHttpKeepAliveMs() {
        return httpKeepAliveMs > 0 ? httpKeepAliveMs : effectiveHttpRequestMs();
    }
}
