package dev.bascule.core.check;

/**
 * The outcome of one check. {@code code} is the protocol status (an HTTP status, a MySQL error code) or 0;
 * {@code info} is HAProxy's "info" text ("Connection refused", "Service Unavailable") or null.
 */
public record CheckResult(CheckStatus status, int code, String info, long durationMs) {
    /** HAProxy's wording: {@code reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 2ms}. */
    public String reason() {
        StringBuilder b = new StringBuilder("reason: ").append(status.description());
        if (code != 0) {
            b.append(", code: ").append(code);
        }
        if (info != null && !info.isEmpty()) {
            b.append(", info: \"").append(info).append('"');
        }
        return b.append(", check duration: ").append(durationMs).append("ms").toString();
    }
}
