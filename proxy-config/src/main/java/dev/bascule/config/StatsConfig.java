package dev.bascule.config;

import dev.bascule.config.model.StatsSettings;

import java.util.ArrayList;
import java.util.List;

/** The {@code stats} keywords of a proxy section (doc section 4.2), building its {@link StatsSettings}. */
final class StatsConfig {
    private final Diagnostics diag;
    private boolean enabled;
    private String uri = StatsSettings.NONE.uri();
    private String realm = StatsSettings.NONE.realm();
    private final List<String> auth = new ArrayList<>();
    private long refreshMs;
    private boolean hideVersion;
    private boolean showLegends;
    private boolean showNode;

    StatsConfig(Diagnostics diag, StatsConfig defaults) {
        this.diag = diag;
        if (defaults != null) {
            enabled = defaults.enabled;
            uri = defaults.uri;
            realm = defaults.realm;
            auth.addAll(defaults.auth);
            refreshMs = defaults.refreshMs;
            hideVersion = defaults.hideVersion;
            showLegends = defaults.showLegends;
            showNode = defaults.showNode;
        }
    }

    /** Every supported {@code stats} keyword also enables the page, as in HAProxy. */
    void keyword(Line line) {
        enabled = true;
        String value = line.word(2);
        switch (line.word(1)) {
            case "uri" -> uri = value;
            case "realm" -> realm = value;
            case "auth" -> {
                if (value.indexOf(':') <= 0) {
                    diag.alert(line.source(), "'stats auth' expects <user>:<password>, got '" + value + "'");
                    return;
                }
                auth.add(value);
            }
            case "refresh" -> {
                try {
                    refreshMs = TimeValue.parseMillis(value);
                } catch (IllegalArgumentException e) {
                    diag.alert(line.source(), "'stats refresh' : " + e.getMessage());
                }
            }
            case "hide-version" -> hideVersion = true;
            case "show-legends" -> showLegends = true;
            case "show-node" -> showNode = true;
            default -> {
            }
        }
    }

    StatsSettings build() {
        return new StatsSettings(enabled, uri, realm, auth, refreshMs, hideVersion, showLegends, showNode, null);
    }
}
