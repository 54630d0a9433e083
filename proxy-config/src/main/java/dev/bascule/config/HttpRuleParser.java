package dev.bascule.config;

import dev.bascule.config.model.HttpAction;
import dev.bascule.config.model.HttpAction.HeaderEdit;
import dev.bascule.config.model.HttpAction.DelHeaders;
import dev.bascule.config.model.HttpAction.NormalizeUri;
import dev.bascule.config.model.HttpAction.Redirect;
import dev.bascule.config.model.HttpAction.ReplaceHeader;
import dev.bascule.config.model.HttpAction.SetLogLevel;
import dev.bascule.config.model.HttpAction.SetRequestLine;
import dev.bascule.config.model.HttpRule;
import dev.bascule.config.model.LogTarget;
import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.ConditionParser;
import dev.bascule.config.sample.MatchMethod;
import dev.bascule.config.sample.PatternFiles;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.config.sample.SampleFormat;
import dev.bascule.config.sample.SampleParser;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * The actions of {@code http-request} and {@code http-response} lines and the {@code redirect} keyword (doc section
 * 4.2) Bascule runs: allow, deny, set-header, add-header, del-header, replace-header, replace-value, set-method,
 * set-path, set-pathq, set-query, set-uri, set-log-level, set-timeout, tarpit, capture, normalize-uri, early-hint,
 * wait-for-body, redirect, return; the rule's condition is compiled by the section's {@link AclConfig}.
 */
final class HttpRuleParser {
    private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);

    /** The actions each side runs; the others are parsed as not implemented yet. */
    static final Set<String> REQUEST_ACTIONS = Set.of("allow", "deny", "set-header", "add-header", "del-header",
            "redirect", "return", "replace-header", "replace-value", "set-method", "set-path", "set-pathq", "set-query",
            "set-uri", "set-log-level", "tarpit", "capture", "normalize-uri",
            "early-hint", "set-timeout", "wait-for-body");
    static final Set<String> RESPONSE_ACTIONS = Set.of("allow", "deny", "set-header", "add-header", "del-header",
            "replace-header", "replace-value");
    /** The matching methods {@code del-header -m} takes. */
    private static final Set<MatchMethod> NAME_MATCHES = Set.of(MatchMethod.STR, MatchMethod.BEG, MatchMethod.END,
            MatchMethod.SUB, MatchMethod.REG);

    private final Diagnostics diag;
    private final AclConfig acls;
    /** The section's request capture slots, or null for a section without frontend (a backend). */
    private final LogConfig captures;
    /** The section serves requests itself (a backend or listen section), so it has server and tunnel timeouts. */
    private final boolean backend;
    private final SampleParser samples = new SampleParser(PatternFiles.DISK);

    HttpRuleParser(Diagnostics diag, AclConfig acls) {
        this(diag, acls, null, false);
    }

    HttpRuleParser(Diagnostics diag, AclConfig acls, LogConfig captures, boolean backend) {
        this.diag = diag;
        this.acls = acls;
        this.captures = captures;
        this.backend = backend;
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
        switch (action) {
            case "allow" -> {
                none(args);
                return new HttpAction.Allow();
            }
            case "deny", "tarpit" -> {
                boolean tarpit = action.equals("tarpit");
                int status = tarpit ? 500 : 403;
                for (int i = 0; i < args.size(); i++) {
                    String option = args.get(i);
                    if ((option.equals("deny_status") || tarpit && option.equals("status")) && i + 1 < args.size()) {
                        status = status(args.get(++i), option);
                    } else {
                        throw new SampleException("unexpected '" + args.get(i) + "'; expects [deny_status <status>]"
                                + " (content-type, string and errorfile are not implemented yet)");
                    }
                }
                return tarpit ? new HttpAction.Tarpit(status) : new HttpAction.Deny(status);
            }
            case "early-hint" -> {
                if (args.size() != 2) {
                    throw new SampleException("expects exactly 2 arguments: <name> <fmt>; quote a value that has "
                            + "spaces");
                }
                return new HttpAction.EarlyHint(args.get(0), SampleFormat.parse(args.get(1), samples));
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
                return delHeader(args);
            }
            case "replace-header", "replace-value" -> {
                if (args.size() != 3 || args.stream().anyMatch(String::isEmpty)) {
                    throw new SampleException("expects exactly 3 arguments: <name> <match-regex> <replace-fmt>; "
                            + "quote an argument that has spaces (none may be empty)");
                }
                regex(args.get(1));
                return new ReplaceHeader(action.equals("replace-header") ? ReplaceHeader.Scope.LINE
                        : ReplaceHeader.Scope.VALUE, args.get(0), args.get(1), SampleFormat.parse(args.get(2), samples));
            }
            case "set-method", "set-path", "set-pathq", "set-query", "set-uri" -> {
                if (args.size() != 1 || args.get(0).isEmpty()) {
                    throw new SampleException("expects exactly 1 argument: <fmt>, not empty; quote a value that has "
                            + "spaces");
                }
                SetRequestLine.Part part = SetRequestLine.Part.valueOf(
                        action.substring("set-".length()).toUpperCase(Locale.ROOT));
                return new SetRequestLine(part, SampleFormat.parse(args.get(0), samples));
            }
            case "capture" -> {
                return capture(args);
            }
            case "set-timeout" -> {
                return setTimeout(args);
            }
            case "wait-for-body" -> {
                return waitForBody(args);
            }
            case "normalize-uri" -> {
                return normalizeUri(args);
            }
            case "set-log-level" -> {
                if (args.size() != 1) {
                    throw new SampleException("expects exactly 1 argument: a syslog level or 'silent'");
                }
                String level = args.get(0);
                int i = LogTarget.LEVELS.indexOf(level);
                if (i < 0 && !level.equals("silent")) {
                    throw new SampleException("unknown log level '" + level + "'; expects one of "
                            + String.join(", ", LogTarget.LEVELS) + " or silent");
                }
                return new SetLogLevel(i < 0 ? SetLogLevel.SILENT : i);
            }
            case "redirect" -> {
                return redirect(args);
            }
            case "return" -> {
                return returned(args);
            }
            default -> throw new SampleException("unknown action; Bascule runs " + String.join(", ",
                    keyword.startsWith("http-response") ? RESPONSE_ACTIONS : REQUEST_ACTIONS));
        }
    }

    /** {@code del-header <name> [-m str|beg|end|sub|reg]}: {@code str} (the default) is the plain deletion. */
    private static HttpAction delHeader(List<String> args) throws SampleException {
        if (args.size() == 1 || args.size() == 3 && args.get(1).equals("-m")) {
            MatchMethod m = args.size() == 1 ? MatchMethod.STR : MatchMethod.named(args.get(2));
            if (m == null || !NAME_MATCHES.contains(m)) {
                throw new SampleException("'-m' expects str, beg, end, sub or reg, got '" + args.get(2) + "'");
            }
            if (m == MatchMethod.STR) {
                return new HeaderEdit(HeaderEdit.Edit.DEL, args.get(0), null);
            }
            if (m == MatchMethod.REG) {
                regex(args.get(0));
            }
            return new DelHeaders(args.get(0), m);
        }
        throw new SampleException("expects <name> [ -m <meth> ]");
    }

    /** {@code capture <sample> len <length> | id <id>}: a slot of its own, or one declared before it. */
    private HttpAction capture(List<String> args) throws SampleException {
        if (args.size() != 3 || !args.get(1).equals("len") && !args.get(1).equals("id")) {
            throw new SampleException("expects <sample> [ len <length> | id <id> ]");
        }
        SampleExpr sample = samples.parse(args.get(0));
        int n;
        try {
            n = Integer.parseInt(args.get(2));
        } catch (NumberFormatException e) {
            n = -1;
        }
        boolean len = args.get(1).equals("len");
        if (n < (len ? 1 : 0)) {
            throw new SampleException("'" + args.get(1) + "' expects " + (len ? "a positive length" : "a slot number")
                    + ", got '" + args.get(2) + "'");
        }
        if (len) {
            if (captures == null) {
                throw new SampleException("'len' declares a capture slot, which only a frontend or listen section "
                        + "has; use 'id <id>' with a slot its frontends declare");
            }
            return new HttpAction.Capture(sample, captures.requestSlot(n));
        }
        if (captures != null && !captures.hasRequestSlot(n)) {
            throw new SampleException("no request capture slot " + n + " is declared before this rule; declare it "
                    + "with 'declare capture request len <length>'");
        }
        return new HttpAction.Capture(sample, n);
    }

    /** {@code set-timeout server|tunnel <time>|<expr>}, in a section with backend capability, as HAProxy 2.6 has it. */
    private HttpAction setTimeout(List<String> args) throws SampleException {
        if (args.size() != 2 || !args.get(0).equals("server") && !args.get(0).equals("tunnel")) {
            throw new SampleException("expects 'server' or 'tunnel', then a time or an expression");
        }
        if (!backend) {
            throw new SampleException("the server and tunnel timeouts are a backend's; write the rule in a backend "
                    + "or listen section");
        }
        HttpAction.SetTimeout.Which which = args.get(0).equals("server") ? HttpAction.SetTimeout.Which.SERVER
                : HttpAction.SetTimeout.Which.TUNNEL;
        String value = args.get(1);
        if (!value.isEmpty() && Character.isDigit(value.charAt(0))) {
            try {
                return new HttpAction.SetTimeout(which, TimeValue.parseMillis(value), null);
            } catch (IllegalArgumentException e) {
                throw new SampleException(e.getMessage());
            }
        }
        return new HttpAction.SetTimeout(which, 0, samples.parse(value));
    }

    /** {@code wait-for-body time <time> [at-least <bytes>]}, a size taking HAProxy's k, m and g suffixes. */
    private static HttpAction waitForBody(List<String> args) throws SampleException {
        if (args.size() != 2 && args.size() != 4 || !args.get(0).equals("time")
                || args.size() == 4 && !args.get(2).equals("at-least")) {
            throw new SampleException("expects 'time <time> [ at-least <bytes> ]'");
        }
        long ms;
        try {
            ms = TimeValue.parseMillis(args.get(1));
        } catch (IllegalArgumentException e) {
            throw new SampleException("'time' : " + e.getMessage());
        }
        return new HttpAction.WaitForBody(ms, args.size() == 4 ? size(args.get(3)) : 0);
    }

    private static long size(String s) throws SampleException {
        java.util.regex.Matcher m = Pattern.compile("(\\d+)([kKmMgG]?)").matcher(s);
        if (!m.matches()) {
            throw new SampleException("'at-least' expects a size in bytes (with an optional k, m or g), got '" + s
                    + "'");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    /** {@code normalize-uri <normalizer> [full | strict]}. */
    private static HttpAction normalizeUri(List<String> args) throws SampleException {
        NormalizeUri.Normalizer n = args.isEmpty() ? null : Arrays.stream(NormalizeUri.Normalizer.values())
                .filter(v -> v.word().equals(args.get(0))).findFirst().orElse(null);
        if (n == null) {
            throw new SampleException("expects one of " + Arrays.stream(NormalizeUri.Normalizer.values())
                    .map(NormalizeUri.Normalizer::word).collect(Collectors.joining(", "))
                    + (args.isEmpty() ? "" : ", got '" + args.get(0) + "'"));
        }
        boolean option = args.size() == 2 && args.get(1).equals(n.optionWord());
        if (args.size() > (option ? 2 : 1)) {
            throw new SampleException("'" + n.word() + "' takes " + (n.optionWord() == null ? "no option"
                    : "only the '" + n.optionWord() + "' option") + ", got '" + args.get(1) + "'");
        }
        return new NormalizeUri(n, option);
    }

    /** A regex is checked when the file is read, as HAProxy compiles it then. */
    private static void regex(String regex) throws SampleException {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new SampleException("invalid regex '" + regex + "': " + e.getDescription());
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
