package dev.bascule.config.model;

/**
 * A proxy's timeouts in milliseconds; 0 means "not set", which HAProxy treats as infinite.
 *
 * @param httpRequestMs   {@code timeout http-request}: the whole request head must arrive within it
 * @param httpKeepAliveMs {@code timeout http-keep-alive}: how long a client may wait before its next request
 * @param tunnelMs        {@code timeout tunnel}: replaces the client and server timeouts once a connection is a
 *                        tunnel (after an HTTP upgrade)
 * @param tarpitMs        {@code timeout tarpit}: how long {@code http-request tarpit} holds a request
 */
public record Timeouts(long connectMs, long clientMs, long serverMs, long queueMs, long httpRequestMs,
                       long httpKeepAliveMs, long tunnelMs, long tarpitMs) {
    public static final Timeouts NONE = new Timeouts(0, 0, 0, 0, 0, 0, 0, 0);

    public Timeouts withConnect(long ms) {
        return new Timeouts(ms, clientMs, serverMs, queueMs, httpRequestMs, httpKeepAliveMs, tunnelMs, tarpitMs);
    }

    public Timeouts withClient(long ms) {
        return new Timeouts(connectMs, ms, serverMs, queueMs, httpRequestMs, httpKeepAliveMs, tunnelMs, tarpitMs);
    }

    public Timeouts withServer(long ms) {
        return new Timeouts(connectMs, clientMs, ms, queueMs, httpRequestMs, httpKeepAliveMs, tunnelMs, tarpitMs);
    }

    public Timeouts withQueue(long ms) {
        return new Timeouts(connectMs, clientMs, serverMs, ms, httpRequestMs, httpKeepAliveMs, tunnelMs, tarpitMs);
    }

    public Timeouts withHttpRequest(long ms) {
        return new Timeouts(connectMs, clientMs, serverMs, queueMs, ms, httpKeepAliveMs, tunnelMs, tarpitMs);
    }

    public Timeouts withHttpKeepAlive(long ms) {
        return new Timeouts(connectMs, clientMs, serverMs, queueMs, httpRequestMs, ms, tunnelMs, tarpitMs);
    }

    public Timeouts withTunnel(long ms) {
        return new Timeouts(connectMs, clientMs, serverMs, queueMs, httpRequestMs, httpKeepAliveMs, ms, tarpitMs);
    }

    public Timeouts withTarpit(long ms) {
        return new Timeouts(connectMs, clientMs, serverMs, queueMs, httpRequestMs, httpKeepAliveMs, tunnelMs, ms);
    }

    /** HAProxy's rule: a tarpit lasts {@code timeout tarpit}, else {@code timeout connect}. */
    public long effectiveTarpitMs() {
        return tarpitMs > 0 ? tarpitMs : connectMs;
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
