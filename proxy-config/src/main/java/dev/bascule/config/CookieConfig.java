package dev.bascule.config;

import dev.bascule.config.model.CookieSettings;
import dev.bascule.config.model.CookieSettings.Mode;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code cookie <name> [rewrite|insert|prefix] [indirect] [nocache] [postonly] [preserve] [httponly] [secure]
 * [domain <domain>]* [maxidle <idle>] [maxlife <life>] [dynamic] [attr <value>]*} (doc section 4.2), with
 * HAProxy's checks of the combinations.
 */
final class CookieConfig {
    private CookieConfig() {
    }

    /** @return the settings, or null after an alert */
    static CookieSettings parse(Diagnostics diag, Line line) {
        String name = line.word(1);
        Mode mode = Mode.PASSIVE;
        boolean indirect = false, nocache = false, postonly = false, preserve = false, httponly = false,
                secure = false;
        List<String> domains = new ArrayList<>();
        List<String> attributes = new ArrayList<>();
        long maxIdle = 0, maxLife = 0;
        for (int i = 2; i < line.size(); i++) {
            String w = line.word(i);
            switch (w) {
                case "rewrite", "insert", "prefix" -> {
                    if (mode != Mode.PASSIVE) {
                        diag.alert(line.source(), "'cookie' : 'rewrite', 'insert' and 'prefix' modes are mutually "
                                + "exclusive; keep one of them");
                        return null;
                    }
                    mode = Mode.valueOf(w.toUpperCase(java.util.Locale.ROOT));
                }
                case "indirect" -> indirect = true;
                case "nocache" -> nocache = true;
                case "postonly" -> postonly = true;
                case "preserve" -> preserve = true;
                case "httponly" -> httponly = true;
                case "secure" -> secure = true;
                case "dynamic" -> diag.warning(line.source(), "'cookie' : 'dynamic' is parsed but not implemented "
                        + "yet; give each server a 'cookie <value>' instead");
                case "domain", "attr", "maxidle", "maxlife" -> {
                    String v = line.word(++i);
                    if (v == null) {
                        diag.alert(line.source(), "'cookie' : '" + w + "' expects a value");
                        return null;
                    }
                    switch (w) {
                        case "domain" -> domains.add(v);
                        case "attr" -> attributes.add(v);
                        default -> {
                            long ms;
                            try {
                                ms = TimeValue.parseMillis(v);
                            } catch (IllegalArgumentException e) {
                                diag.alert(line.source(), "'cookie' : '" + w + "' : " + e.getMessage());
                                return null;
                            }
                            if (w.equals("maxidle")) {
                                maxIdle = ms;
                            } else {
                                maxLife = ms;
                            }
                        }
                    }
                }
                default -> {
                    String near = KeywordTable.nearest(w, List.of("rewrite", "insert", "prefix", "indirect",
                            "nocache", "postonly", "preserve", "httponly", "secure", "domain", "maxidle", "maxlife",
                            "dynamic", "attr"));
                    diag.alert(line.source(), "'cookie' supports 'rewrite', 'insert', 'prefix', 'indirect', "
                            + "'nocache', 'postonly', 'preserve', 'httponly', 'secure', 'domain', 'maxidle', "
                            + "'maxlife', 'dynamic' and 'attr' options, got '" + w + "'"
                            + (near == null ? "" : "; did you mean '" + near + "' maybe ?"));
                    return null;
                }
            }
        }
        if (preserve && mode != Mode.INSERT && !indirect) {
            diag.alert(line.source(), "'cookie' : 'preserve' requires at least 'insert' or 'indirect'");
            return null;
        }
        if ((nocache || postonly) && mode != Mode.INSERT) {
            diag.warning(line.source(), "'cookie' : 'nocache' and 'postonly' only apply to 'insert' mode; ignored");
        }
        if ((maxIdle > 0 || maxLife > 0) && mode != Mode.INSERT) {
            diag.warning(line.source(), "'cookie' : 'maxidle' and 'maxlife' may only be used with 'insert' mode; "
                    + "ignored");
            maxIdle = 0;
            maxLife = 0;
        }
        return new CookieSettings(name, mode, indirect, nocache, postonly, preserve, httponly, secure, domains,
                maxIdle, maxLife, attributes);
    }
}
