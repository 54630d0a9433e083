package dev.bascule.config.model;

import java.util.List;

/**
 * A backend's {@code cookie} line: cookie-based persistence. With no mode the cookie set by the application is
 * only read; {@code insert} makes the proxy set it, {@code rewrite} replaces the value the server set, and
 * {@code prefix} puts the server's value, then {@code ~}, before the application's own value. Times are in
 * milliseconds, 0 when not set.
 */
public record CookieSettings(String name, Mode mode, boolean indirect, boolean nocache, boolean postonly,
                             boolean preserve, boolean httponly, boolean secure, List<String> domains,
                             long maxIdleMs, long maxLifeMs, List<String> attributes) {
    public enum Mode { PASSIVE, INSERT, REWRITE, PREFIX }

    public CookieSettings {
        domains = List.copyOf(domains);
        attributes = List.copyOf(attributes);
    }

    /** Whether cookies carry HAProxy's last-seen and first-seen dates ({@code maxidle}, {@code maxlife}). */
    public boolean dated() {
        return maxIdleMs > 0 || maxLifeMs > 0;
    }
}
