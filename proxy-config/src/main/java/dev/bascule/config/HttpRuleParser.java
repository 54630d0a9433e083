package dev.bascule.config;

import dev.bascule.config.model.ErrorPage;
import dev.bascule.config.model.HttpAction;
import dev.bascule.config.model.HttpAction.HeaderEdit;
import dev.bascule.config.model.HttpAction.DelHeaders;
import dev.bascule.config.model.HttpAction.NormalizeUri;
import dev.bascule.config.model.HttpAction.Redirect;
import dev.bascule.config.model.HttpReply;
import dev.bascule.config.model.HttpAction.ReplaceHeader;
import dev.bascule.config.model.HttpAction.SetLogLevel;
import dev.bascule.config.model.HttpAction.SetRequestLine;
import dev.bascule.config.model.HttpRule;
import dev.bascule.config.model.LogTarget;
import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.AclTerm;
import dev.bascule.config.sample.ConditionParser;
import dev.bascule.config.sample.MatchMethod;
import dev.bascule.config.sample.PatternFiles;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.config.sample.SampleFormat;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.config.sample.SampleParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * The actions of {@code http-request}, {@code http-response} and {@code http-after-response} lines and the
 * {@code redirect} keyword (doc section 4.2) Bascule runs ({@link #actions}; the variable actions are
 * {@link VarActions}'); the rule's condition is compiled by the section's {@link AclConfig}.
 */
final class HttpRuleParser {
    private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);

    /** The actions each side runs; the others are parsed as not implemented yet. */
    static final Set<String> REQUEST_ACTIONS = Set.of("allow", "deny", "set-header", "add-header", "del-header",
            "redirect", "return", "set-var", "set-var-fmt", "unset-var", "auth", "replace-header", "replace-value",
            "set-method", "set-path", "set-pathq", "set-query", "set-uri", "set-log-level", "tarpit", "capture",
            "normalize-uri", "early-hint", "set-timeout", "wait-for-body");
    static final Set<String> RESPONSE_ACTIONS = Set.of("allow", "deny", "set-header", "add-header", "del-header",
            "set-status", "redirect", "return", "set-var", "set-var-fmt", "unset-var", "replace-header",
            "replace-value");
    static final Set<String> AFTER_RESPONSE_ACTIONS = Set.of("allow", "set-header", "add-header", "del-header",
            "set-status", "replace-header", "replace-value");
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
        return parse(line, at, keyword, false);
    }

    /**
     * @param backendSide the rule runs as its section's backend's (HAProxy names where it runs so: a backend's
     *                    rules, a listen section's response rules)
     */
    HttpRule parse(Line line, int at, String keyword, boolean backendSide) {
        List<String> w = line.words();
        int cond = at + 1;
        while (cond < w.size() && !ConditionParser.starts(w.get(cond))) {
            cond++;
        }
        List<String> args = w.subList(at + 1, cond);
        String action = w.get(at);
        HttpAction a;
        boolean response = keyword.startsWith("http-response") || keyword.startsWith("http-after-response");
        try {
            a = action(action, args, keyword);
            checkSide(a, response);
        } catch (SampleException e) {
            diag.alert(line.source(), "'" + keyword + " " + action + "' : " + e.getMessage());
            return null;
        }
        AclCondition c = acls.condition(line, cond, keyword + " " + action);
        if (c == null) {
            return null;
        }
        String where = (backendSide ? "backend " : "frontend ") + (response ? "http-response" : "http-request")
                + " header rule";
        for (AclTerm t : c.alternatives().stream().flatMap(List::stream).toList()) {
            if (!t.tests().isEmpty() && t.tests().stream().noneMatch(x -> usable(x.expr(), response))) {
                String kw = t.tests().get(0).expr().fetch().keyword();
                diag.warning(line.source(), t.name().startsWith("{") ? "anonymous acl will never match because it "
                        + "uses keyword '" + kw + "' which is incompatible with '" + where + "'"
                        : "acl '" + t.name() + "' will never match because it only involves keywords that are "
                        + "incompatible with '" + where + "'");
            }
        }
        return new HttpRule(a, c, line.source());
    }

    /** A fetch has what it reads on that side: a request rule has no response, a response rule no request head. */
    private static boolean usable(SampleExpr e, boolean response) {
        return response ? !e.needsRequestHead() : !e.needsResponse();
    }

    /** HAProxy's alert for a value that reads what the rule's side does not have ({@code %[path]} on a response). */
    private static void checkSide(HttpAction a, boolean response) throws SampleException {
        List<SampleFormat> formats = new ArrayList<>();
        if (a instanceof HeaderEdit h && h.value() != null) {
            formats.add(h.value());
        } else if (a instanceof Redirect r) {
            formats.add(r.to());
        }
        for (SampleFormat f : formats) {
            for (SampleFormat.Part p : f.parts()) {
                if (p instanceof SampleFormat.Sample s && !usable(s.expr(), response)) {
                    throw new SampleException("sample fetch <" + s.expr() + "> may not be reliably used here because "
                            + "it needs 'HTTP " + (response ? "request" : "response") + " headers' which is not "
                            + "available here");
                }
            }
        }
    }

    private HttpAction action(String action, List<String> args, String keyword) throws SampleException {
        if (VarActions.isVarAction(action)) {
            return new HttpAction.Var(VarActions.parse(action, args, samples));
        }
        boolean response = !keyword.equals("http-request") && !keyword.equals("redirect");
        switch (action) {
            case "allow" -> {
                none(args);
                return new HttpAction.Allow();
            }
            case "deny" -> {
                return new HttpAction.Deny(reply(args, keyword, true, response ? 502 : 403));
            }
            case "tarpit" -> {
                int status = 500;
                for (int i = 0; i < args.size(); i++) {
                    String option = args.get(i);
                    if ((option.equals("deny_status") || option.equals("status")) && i + 1 < args.size()) {
                        status = status(args.get(++i), option);
                    } else {
                        throw new SampleException("unexpected '" + args.get(i) + "'; expects [deny_status <status>]"
                                + " (content-type, string and errorfile are not implemented yet)");
                    }
                }
                return new HttpAction.Tarpit(status);
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
            case "set-status" -> {
                return setStatus(args);
            }
            case "redirect" -> {
                Redirect r = redirect(args);
                if (response && r.kind() != Redirect.Kind.LOCATION) {
                    throw new SampleException("only 'location' redirects are possible on a response");
                }
                return r;
            }
            case "return" -> {
                return new HttpAction.Return(reply(args, keyword, false, 200));
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
                    actions(keyword).stream().sorted().toList()));
        }
    }

    /** The actions Bascule runs for {@code keyword}: {@code http-request}, {@code http-response}... */
    static Set<String> actions(String keyword) {
        return switch (keyword) {
            case "http-response" -> RESPONSE_ACTIONS;
            case "http-after-response" -> AFTER_RESPONSE_ACTIONS;
            default -> REQUEST_ACTIONS;
        };
    }

    /** {@code set-status <code> [reason <str>]}: a code from 100 to 999, as HAProxy takes. */
    private static HttpAction.SetStatus setStatus(List<String> args) throws SampleException {
        if (args.isEmpty()) {
            throw new SampleException("expects <status> [reason <str>]");
        }
        int code;
        try {
            code = Integer.parseInt(args.get(0));
        } catch (NumberFormatException e) {
            code = 0;
        }
        if (code < 100 || code > 999) {
            throw new SampleException("expects an integer status code between 100 and 999, got '" + args.get(0)
                    + "'");
        }
        if (args.size() == 1) {
            return new HttpAction.SetStatus(code, null);
        }
        if (args.size() != 3 || !args.get(1).equals("reason")) {
            throw new SampleException("unexpected '" + args.get(1) + "'; expects <status> [reason <str>]");
        }
        return new HttpAction.SetStatus(code, args.get(2));
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
        Set<Redirect.Option> options = EnumSet.noneOf(Redirect.Option.class);
        String cookie = null;
        for (int i = 2; i < args.size(); i++) {
            String o = args.get(i);
            boolean valued = i + 1 < args.size();
            switch (o) {
                case "code" -> {
                    if (!valued) {
                        throw new SampleException("'code' expects 301, 302, 303, 307 or 308");
                    }
                    code = status(args.get(++i), "code");
                    if (!REDIRECT_CODES.contains(code)) {
                        throw new SampleException("'code' expects 301, 302, 303, 307 or 308, got " + code);
                    }
                }
                case "drop-query" -> options.add(Redirect.Option.DROP_QUERY);
                case "append-slash" -> options.add(Redirect.Option.APPEND_SLASH);
                case "ignore-empty" -> options.add(Redirect.Option.IGNORE_EMPTY);
                // HAProxy's http_parse_redirect_rule: the cookie for the whole site, and cleared at once.
                case "set-cookie", "clear-cookie" -> {
                    if (!valued) {
                        throw new SampleException("'" + o + "' expects a cookie name" + (o.equals("set-cookie")
                                ? " and its value: NAME[=VALUE]" : ": NAME[=]"));
                    }
                    cookie = args.get(++i) + (o.equals("set-cookie") ? "; path=/;" : "; path=/; Max-Age=0;");
                }
                default -> throw new SampleException("unknown option '" + o + "'; expects [code <code>] [drop-query] "
                        + "[append-slash] [set-cookie NAME[=VALUE]] [clear-cookie NAME[=]] [ignore-empty]");
            }
        }
        return new Redirect(kind, to, code, options, cookie);
    }

    /**
     * The answer of {@code deny} and {@code return} (HAProxy's {@code http_parse_http_reply}): {@code [status N]
     * [content-type T] [default-errorfiles | errorfile F | file F | lf-file F | string S | lf-string FMT]
     * [hdr NAME FMT]*}; {@code deny} also takes {@code deny_status N}, and without a payload answers the proxy's page.
     */
    private HttpReply reply(List<String> args, String keyword, boolean deny, int status) throws SampleException {
        String type = null;
        HttpReply.Body body = null;
        List<HttpReply.Header> headers = new ArrayList<>();
        boolean payload = false;
        for (int i = 0; i < args.size(); i++) {
            String o = args.get(i);
            int values = o.equals("hdr") ? 2 : o.equals("default-errorfiles") ? 0 : 1;
            if (i + values >= args.size()) {
                throw new SampleException("'" + o + "' expects " + (values == 2 ? "<name> <fmt>" : "a value"));
            }
            if (body != null && PAYLOADS.contains(o)) {
                throw new SampleException("'" + o + "' : only one of " + String.join(", ", PAYLOADS)
                        + " may be given");
            }
            switch (o) {
                case "status" -> status = status(args.get(++i), "status");
                case "deny_status" -> {
                    if (!deny) {
                        throw new SampleException("unknown option 'deny_status'; expects 'status'");
                    }
                    status = status(args.get(++i), "deny_status");
                }
                case "content-type" -> type = args.get(++i);
                case "default-errorfiles" -> body = new HttpReply.ErrorPageOf();
                case "errorfile" -> body = wholeResponse(args.get(++i));
                case "errorfiles" -> body = new HttpReply.ErrorFiles(args.get(++i));
                case "string" -> {
                    body = new HttpReply.Text(args.get(++i));
                    payload = true;
                }
                case "lf-string" -> {
                    body = formatted(args.get(++i));
                    payload = true;
                }
                case "file", "lf-file" -> {
                    String text = read(args.get(++i));
                    body = o.equals("file") ? new HttpReply.Text(text) : formatted(text);
                    payload = !text.isEmpty();
                }
                case "hdr" -> headers.add(new HttpReply.Header(args.get(++i), SampleFormat.parse(args.get(++i),
                        samples)));
                default -> throw new SampleException("unknown option '" + o + "'; expects [status <code>] "
                        + "[content-type <type>] [default-errorfiles | errorfile <file> | file <file> | lf-file "
                        + "<file> | string <str> | lf-string <fmt>] [hdr <name> <fmt>]*");
            }
        }
        if (body == null) {
            body = deny ? new HttpReply.ErrorPageOf() : new HttpReply.Text("");
        }
        if (body instanceof HttpReply.ErrorPageOf || body instanceof HttpReply.WholeResponse
                || body instanceof HttpReply.ErrorFiles) {
            if (!HttpConfig.ERRORFILE_CODES.contains(String.valueOf(status))) {
                throw new SampleException("status code '" + status + "' has no error page; handled codes: "
                        + String.join(" ", HttpConfig.ERRORFILE_CODES.stream().sorted().toList()));
            }
            // HAProxy ignores the type and the headers of a page: the file says all.
            return new HttpReply(status, body, null, List.of());
        }
        if (payload && type == null) {
            throw new SampleException("a content type must be defined when a non-empty payload is configured");
        }
        return new HttpReply(status, body, payload ? type : null, headers);
    }

    private static final List<String> PAYLOADS = List.of("default-errorfiles", "errorfile", "errorfiles", "file",
            "lf-file", "string", "lf-string");

    private HttpReply.Body formatted(String text) throws SampleException {
        SampleFormat f = SampleFormat.parse(text, samples);
        return f.literal() ? new HttpReply.Text(text) : new HttpReply.Formatted(f);
    }

    /**
     * A rule with its {@code errorfiles <name>} reply resolved once every section is read (HAProxy's
     * {@code http_check_http_reply}): the section's page for the status, read now; a section without one is HAProxy's
     * warning, and the proxy's own page answers; an unknown section is its alert.
     *
     * @param sections an http-errors section's pages by name, or null when there is none of that name
     * @return the rule to keep, or null after an alert
     */
    static HttpRule resolved(HttpRule rule, String proxy, Diagnostics diag,
                             java.util.function.Function<String, java.util.Map<Integer, ErrorPage>> sections) {
        HttpReply reply = rule.action() instanceof HttpAction.Deny d ? d.reply()
                : rule.action() instanceof HttpAction.Return r ? r.reply() : null;
        if (reply == null || !(reply.body() instanceof HttpReply.ErrorFiles e)) {
            return rule;
        }
        java.util.Map<Integer, ErrorPage> pages = sections.apply(e.section());
        if (pages == null) {
            diag.alert(rule.source(), "proxy '" + proxy + "': unknown http-errors section '" + e.section() + "'; "
                    + "declare it with 'http-errors " + e.section() + "'");
            return null;
        }
        HttpReply.Body body = new HttpReply.ErrorPageOf();
        if (pages.get(reply.status()) instanceof ErrorPage.File f) {
            try {
                body = wholeResponse(f.path());
            } catch (SampleException ex) {
                diag.alert(rule.source(), "proxy '" + proxy + "': " + ex.getMessage());
                return null;
            }
        } else {
            diag.warning(rule.source(), "proxy '" + proxy + "': status '" + reply.status() + "' referenced by http "
                    + "reply not declared in http-errors section '" + e.section() + "'; the proxy's page answers");
        }
        HttpReply built = new HttpReply(reply.status(), body, null, List.of());
        HttpAction a = rule.action() instanceof HttpAction.Deny ? new HttpAction.Deny(built)
                : new HttpAction.Return(built);
        return new HttpRule(a, rule.condition(), rule.source());
    }

    /** A payload file's content, read now: a file that cannot be read is the rule's error, with the reason. */
    private static String read(String file) throws SampleException {
        try {
            return Files.readString(Path.of(file), StandardCharsets.ISO_8859_1);
        } catch (IOException | InvalidPathException e) {
            throw new SampleException("error opening file '" + file + "' : " + reason(e));
        }
    }

    /** {@code errorfile <file>}: a whole response, checked now to begin with an HTTP/1.x status line. */
    private static HttpReply.WholeResponse wholeResponse(String file) throws SampleException {
        String text = read(file);
        if (!text.matches("(?s)HTTP/1\\.[01] [1-9][0-9][0-9]( [^\r\n]*)?\r?\n.*")) {
            throw new SampleException("errorfile '" + file + "' does not begin with an HTTP/1.x status line "
                    + "('HTTP/1.1 403 Forbidden'); it must hold a whole response");
        }
        return new HttpReply.WholeResponse(file, text);
    }

    private static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
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
