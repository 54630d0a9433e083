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
    private String admin;
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
            case "admin" -> admin(line);
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

    /** {@code stats admin if|unless TRUE|LOCALHOST}: who may drive servers from the page. */
    private void admin(Line line) {
        String cond = line.word(2);
        String what = line.word(3);
        if (!("if".equals(cond) || "unless".equals(cond)) || !("TRUE".equals(what) || "LOCALHOST".equals(what))
                || line.size() > 4) {
            diag.alert(line.source(), "'stats admin' : only 'if|unless TRUE' and 'if|unless LOCALHOST' are supported "
                    + "yet, got '" + String.join(" ", line.words().subList(2, line.size())) + "'");
            return;
        }
        admin = cond + " " + what;
    }

    StatsSettings build() {
        return new StatsSettings(enabled, uri, realm, auth, refreshMs, hideVersion, admin, scope, showLegends,
                showNode, showDesc);
    }
}
