package dev.bascule.config.model;

import java.util.List;

/**
 * A proxy's {@code stats} keywords. Any of them enables the page, as in HAProxy; {@code uri} defaults to
 * {@code /haproxy?stats}, {@code realm} to "HAProxy Statistics". {@code auth} holds {@code user:password}
 * pairs; {@code admin} is the {@code stats admin} condition as written ({@code if TRUE}), or null.
 */
public record StatsSettings(boolean enabled, String uri, String realm, List<String> auth, long refreshMs,
                            boolean hideVersion, String admin) {
    public static final StatsSettings NONE = new StatsSettings(false, "/haproxy?stats", "HAProxy Statistics",
            List.of(), 0, false, null);

    public StatsSettings {
        auth = List.copyOf(auth);
    }
}
