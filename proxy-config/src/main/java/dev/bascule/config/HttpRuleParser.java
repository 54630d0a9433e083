package dev.bascule.config;

import dev.bascule.config.model.HttpAction;
import dev.bascule.config.model.HttpAction.HeaderEdit;
import dev.bascule.config.model.HttpAction.Redirect;
import dev.bascule.config.model.HttpRule;
import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.ConditionParser;
import dev.bascule.config.sample.PatternFiles;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleFormat;
import dev.bascule.config.sample.SampleParser;

import java.util.List;
import java.util.Set;

/**
 * The actions of {@code http-request} and {@code http-response} lines and the {@code redirect} keyword (doc section
 * 4.2) Bascule runs: allow, deny, set-header, add-header, del-header, redirect, return, auth and the variable
 * actions ({@link VarActions}); the rule's condition is
 * compiled by the section's {@link AclConfig}.
 */
final class HttpRuleParser {
    private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);

    /** The actions each side runs; the others are parsed as not implemented yet. */
    static final Set<String> REQUEST_ACTIONS = Set.of("allow", "deny", "set-header", "add-header", "del-header",
            "redirect", "return", "set-var", "set-var-fmt", "unset-var", "auth");
    static final Set<String> RESPONSE_ACTIONS = Set.of("allow", "deny", "set-header", "add-header", "del-header",
            "set-var", "set-var-fmt", "unset-var");

    private final Diagnostics diag;
    private final AclConfig acls;
    private final SampleParser samples = new SampleParser(PatternFiles.DISK);

    HttpRuleParser(Diagnostics diag, AclConfig acls) {
        this.diag = diag;
        this.acls = acls;
    }

    /**
     * @param at      the index of the action's word ({@code deny} in {@code http-request deny}); for the
     *                {@code redirect} keyword, of {@code redirect} itself
     * @param keyword the rule as the alert names it
     * @return the rule, or null after an alert
     */
    HttpRule parse(Line line, int at, String keyword) {
        List<String> w = line.words();
        int cond = at + 1;
        while (cond < w.size() && !ConditionParser.starts(w.get(cond))) {
            cond++;
        }
        List<String> args = w.subList(at + 1, cond);
        String action = w.get(at);
        HttpAction a;
        try {
            a = action(action, args, keyword);
        } catch (SampleException e) {
            diag.alert(line.source(), "'" + keyword + " " + action + "' : " + e.getMessage());
            return null;
        }
        AclCondition c = acls.condition(line, cond, keyword + " " + action);
        return c == null ? null : new HttpRule(a, c, line.source());
    }

    private HttpAction action(String action, List<String> args, String keyword) throws SampleException {
        if (VarActions.isVarAction(action)) {
            return new HttpAction.Var(VarActions.parse(action, args, samples));
        }
        switch (action) {
            case "allow" -> {
                none(args);
                return new HttpAction.Allow();
            }
            case "deny" -> {
                int status = 403;
                for (int i = 0; i < args.size(); i++) {
                    if (args.get(i).equals("deny_status") && i + 1 < args.size()) {
                        status = status(args.get(++i), "deny_status");
                    } else {
                        throw new SampleException("unexpected '" + args.get(i) + "'; expects [deny_status <status>]"
                                + " (content-type, string and errorfile are not implemented yet)");
                    }
                }
                return new HttpAction.Deny(status);
            }
            case "set-header", "add-header" -> {
                if (args.size() != 2) {
                    throw new SampleException("expects exactly 2 arguments: <name> <fmt>; quote a value that has "
                            + "spaces");
                }
                return new HeaderEdit(action.equals("set-header") ? HeaderEdit.Edit.SET : HeaderEdit.Edit.ADD,
                        args.get(0), SampleFormat.parse(args.get(1), samples));
            }
            case "del-header" -> {
                if (args.size() != 1) {
                    throw new SampleException("expects exactly 1 argument: <name> (-m is not implemented yet)");
                }
                return new HeaderEdit(HeaderEdit.Edit.DEL, args.get(0), null);
            }
            case "redirect" -> {
                return redirect(args);
            }
            case "return" -> {
                return returned(args);
            }
            case "auth" -> {
                if (args.isEmpty()) {
                    return new HttpAction.Auth(null);
                }
                if (args.size() != 2 || !args.get(0).equals("realm")) {
                    throw new SampleException("expects [realm <realm>], got '" + String.join(" ", args) + "'");
                }
                return new HttpAction.Auth(args.get(1));
            }
            default -> throw new SampleException("unknown action; Bascule runs " + String.join(", ",
                    keyword.startsWith("http-response") ? RESPONSE_ACTIONS : REQUEST_ACTIONS));
        }
    }

    private Redirect redirect(List<String> args) throws SampleException {
        if (args.size() < 2) {
            throw new SampleException("expects 'location', 'prefix' or 'scheme' then the target");
        }
        Redirect.Kind kind = switch (args.get(0)) {
            case "location" -> Redirect.Kind.LOCATION;
            case "prefix" -> Redirect.Kind.PREFIX;
            case "scheme" -> Redirect.Kind.SCHEME;
            default -> throw new SampleException("expects 'location', 'prefix' or 'scheme', got '" + args.get(0) + "'");
        };
        SampleFormat to = SampleFormat.parse(args.get(1), samples);
        int code = 302;
        boolean dropQuery = false;
        for (int i = 2; i < args.size(); i++) {
            String o = args.get(i);
            if (o.equals("code") && i + 1 < args.size()) {
                code = status(args.get(++i), "code");
                if (!REDIRECT_CODES.contains(code)) {
                    throw new SampleException("'code' expects 301, 302, 303, 307 or 308, got " + code);
                }
            } else if (o.equals("drop-query")) {
                dropQuery = true;
            } else {
                throw new SampleException("unknown option '" + o + "'; expects [code <code>] [drop-query] "
                        + "(append-slash, set-cookie and clear-cookie are not implemented yet)");
            }
        }
        return new Redirect(kind, to, code, dropQuery);
    }

    private static HttpAction.Return returned(List<String> args) throws SampleException {
        int status = 200;
        String type = null;
        String body = null;
        for (int i = 0; i < args.size(); i++) {
            String o = args.get(i);
            if (i + 1 >= args.size()) {
                throw new SampleException("'" + o + "' expects a value");
            }
            switch (o) {
                case "status" -> status = status(args.get(++i), "status");
                case "content-type" -> type = args.get(++i);
                case "string" -> body = args.get(++i);
                default -> throw new SampleException("unknown option '" + o + "'; expects [status <code>] "
                        + "[content-type <type>] [string <str>] (lf-string, file and hdr are not implemented yet)");
            }
        }
        if (body != null && type == null) {
            throw new SampleException("a 'string' body needs its 'content-type'");
        }
        return new HttpAction.Return(status, type, body);
    }

    private static int status(String s, String what) throws SampleException {
        try {
            int v = Integer.parseInt(s);
            if (v >= 200 && v <= 599) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new SampleException("'" + what + "' expects a status code from 200 to 599, got '" + s + "'");
    }

    private static void none(List<String> args) throws SampleException {
        if (!args.isEmpty()) {
            throw new SampleException("takes no argument, got '" + args.get(0) + "'");
        }
    }
}
