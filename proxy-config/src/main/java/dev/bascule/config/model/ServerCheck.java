package dev.bascule.config.model;

/**
 * A server's health-check settings (doc section 5.2), with HAProxy's defaults applied: {@code inter} 2 s,
 * {@code fastinter} and {@code downinter} equal to {@code inter} when not set, {@code rise} 2, {@code fall} 3.
 *
 * @param enabled      {@code check}
 * @param port         {@code port}, or 0 for the server's own port
 * @param addr         {@code addr}, or null for the server's own address
 * @param sendProxy    {@code check-send-proxy}
 * @param slowstartMs  {@code slowstart}, 0 when not set
 * @param onMarkedDown {@code on-marked-down}: null or {@code shutdown-sessions}
 * @param onMarkedUp   {@code on-marked-up}: null or {@code shutdown-backup-sessions}
 * @param observe      {@code observe}: null or {@code layer4} / {@code layer7}
 * @param errorLimit   {@code error-limit}, 10 by default
 * @param onError      {@code on-error}: {@code fastinter} (default), {@code fail-check}, {@code sudden-death},
 *                     {@code mark-down}
 * @param agent        the agent check, or null
 */
public record ServerCheck(boolean enabled, long interMs, long fastinterMs, long downinterMs, int rise, int fall,
                          int port, String addr, boolean sendProxy, long slowstartMs, String onMarkedDown,
                          String onMarkedUp, String observe, int errorLimit, String onError, Agent agent) {
    public static final long DEFAULT_INTER_MS = 2000;
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;
    public static final int DEFAULT_ERROR_LIMIT = 10;
    /** A server without {@code check} and every setting at HAProxy's default. */
    public static final ServerCheck NONE = new ServerCheck(false, DEFAULT_INTER_MS, DEFAULT_INTER_MS, DEFAULT_INTER_MS,
            DEFAULT_RISE, DEFAULT_FALL, 0, null, false, 0, null, null, null, DEFAULT_ERROR_LIMIT, "fastinter", null);

    /** {@code agent-check}: a line read from {@code agent-port} sets the server's state or weight. */
    public record Agent(int port, String addr, long interMs, String send) {
    }
}
