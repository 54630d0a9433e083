package dev.bascule.config;

import dev.bascule.config.model.StatsSettings;

import dev.bascule.config.sample.AclCondition;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The {@code stats} keywords of a proxy section (doc section 4.2), building its {@link StatsSettings}. */
final class StatsConfig {
    private final Diagnostics diag;
    private boolean enabled;
    private String uri = StatsSettings.NONE.uri();
    private String realm = StatsSettings.NONE.realm();
    private final List<String> auth = new ArrayList<>();
    private long refreshMs;
    private boolean hideVersion;
    private AclCondition admin;
    private final List<String> scope = new ArrayList<>();
    private boolean showLegends;
    private String showNode;
    private String showDesc;

    StatsConfig(Diagnostics diag, StatsConfig defaults) {
        this.diag = diag;
        if (defaults != null) {
            enabled = defaults.enabled;
            uri = defaults.uri;
            realm = defaults.realm;
            auth.addAll(defaults.auth);
            refreshMs = defaults.refreshMs;
            hideVersion = defaults.hideVersion;
            admin = defaults.admin;
            scope.addAll(defaults.scope);
            showLegends = defaults.showLegends;
            showNode = defaults.showNode;
            showDesc = defaults.showDesc;
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
            case "scope" -> scope.add(value);
            case "show-legends" -> showLegends = true;
            case "show-node" -> showNode(line, value);
            // The description is the rest of the line, as HAProxy joins it.
            case "show-desc" -> showDesc = String.join(" ", line.words().subList(2, line.size()));
            default -> {
            }
        }
    }

    /** {@code stats show-node [name]}: a name of letters, digits, '-', '_' and '.', as HAProxy accepts. */
    private void showNode(Line line, String name) {
        if (name != null && !name.matches("[A-Za-z0-9_.-]*")) {
            diag.alert(line.source(), "'stats show-node' : invalid character in node name '" + name + "'");
            return;
        }
        showNode = name == null ? "" : name;
    }

    /** {@code stats admin { if | unless } <condition>}: who may drive servers from the page. */
    void admin(AclCondition condition) {
        enabled = true;
        admin = condition;
    }

    /** @param resolve gives a condition the section's final ACL lines */
    StatsSettings build(UnaryOperator<AclCondition> resolve) {
        return new StatsSettings(enabled, uri, realm, auth, refreshMs, hideVersion, resolve.apply(admin), scope,
                showLegends, showNode, showDesc);
    }
}
