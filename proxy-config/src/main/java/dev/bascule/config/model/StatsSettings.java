package dev.bascule.config.model;

import dev.bascule.config.sample.AclCondition;

import java.util.List;

/**
 * A proxy's {@code stats} keywords. Any of them enables the page, as in HAProxy; {@code uri} defaults to
 * {@code /haproxy?stats}, {@code realm} to "HAProxy Statistics". {@code auth} holds {@code user:password}
 * pairs; {@code admin} is the {@code stats admin} condition, or null.
 * {@code scope} names the proxies shown ("." for the one serving the page), all when empty.
 * {@code showNode} and {@code showDesc} are null unless {@code stats show-node} / {@code stats show-desc} ask
 * for them, and empty when they give no value (the global {@code node} or host name, the global
 * {@code description}).
 */
public record StatsSettings(boolean enabled, String uri, String realm, List<String> auth, long refreshMs,
                            boolean hideVersion, AclCondition admin, List<String> scope, boolean showLegends,
                            String showNode, String showDesc) {
    public static final StatsSettings NONE = new StatsSettings(false, "/haproxy?stats", "HAProxy Statistics",
            List.of(), 0, false, null, List.of(), false, null, null);

    public StatsSettings {
        auth = List.copyOf(auth);
        scope = List.copyOf(scope);
    }
}
