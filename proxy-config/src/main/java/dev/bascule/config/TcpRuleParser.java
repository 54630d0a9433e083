package dev.bascule.config;

import dev.bascule.config.model.Source;
import dev.bascule.config.model.TcpRule;
import dev.bascule.config.model.TcpRules;
import dev.bascule.config.model.VarAction;
import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.AclTerm;
import dev.bascule.config.sample.ConditionParser;
import dev.bascule.config.sample.PatternFiles;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.config.sample.SampleParser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A frontend's {@code tcp-request} lines (doc section 4.2, HAProxy's {@code tcp_parse_tcp_req}): {@code inspect-delay}
 * and the {@code connection}, {@code session} and {@code content} rules. Bascule runs {@code accept},
 * {@code reject}, {@code capture} (content rules), the variable actions and (connection rules) {@code expect-proxy
 * layer4}; the other actions HAProxy 2.6 has are parsed as not implemented yet, an unknown one is an alert in
 * HAProxy's words. Inherited from a {@code defaults} section: the delay only.
 */
final class TcpRuleParser {
    /** Actions HAProxy 2.6 has for these rules that Bascule does not run yet (track-sc: no stick tables yet). */
    private static final Set<String> PENDING = Set.of("expect-proxy", "expect-netscaler-cip", "set-src",
            "set-src-port", "set-dst", "set-dst-port", "silent-drop", "set-mark", "set-tos",
            "sc-inc-gpc", "sc-inc-gpc0", "sc-inc-gpc1", "sc-set-gpt0", "sc-set-gpt", "set-log-level", "set-nice",
            "switch-mode", "use-service", "do-resolve", "set-priority-class", "set-priority-offset", "attach-srv",
            "lua", "send-spoe-group", "set-bandwidth-limit", "set-fc-mark", "set-fc-tos");

    /** Whether {@code action} is one of HAProxy's that Bascule parses without running yet. */
    static boolean pending(String action) {
        return PENDING.contains(action) || action.startsWith("track-sc") || action.startsWith("sc-")
                || action.startsWith("lua.");
    }

    private final Diagnostics diag;
    private final AclConfig acls;
    /** Where a capture rule takes its slot. */
    private final LogConfig log;
    private final SampleParser samples = new SampleParser(PatternFiles.DISK);
    private long inspectDelayMs;
    private Source inspectDelaySource;
    private final List<TcpRule> connection = new ArrayList<>();
    private final List<TcpRule> session = new ArrayList<>();
    private final List<TcpRule> content = new ArrayList<>();

    TcpRuleParser(Diagnostics diag, AclConfig acls, LogConfig log, TcpRuleParser defaults) {
        this.diag = diag;
        this.acls = acls;
        this.log = log;
        if (defaults != null) {
            inspectDelayMs = defaults.inspectDelayMs;
        }
    }

    /** {@code tcp-request inspect-delay <timeout>}: how long content rules may wait for the client's bytes. */
    void inspectDelay(Line line, String proxy) {
        long ms;
        try {
            ms = TimeValue.parseMillis(line.word(2));
        } catch (IllegalArgumentException e) {
            diag.alert(line.source(), "'tcp-request inspect-delay' expects a positive delay in milliseconds, in "
                    + proxy + " (" + e.getMessage() + ")");
            return;
        }
        if (inspectDelaySource != null) {
            diag.warning(line.source(), "ignoring tcp-request inspect-delay (was already defined at "
                    + inspectDelaySource + ") in " + proxy);
            return;
        }
        inspectDelayMs = ms;
        inspectDelaySource = line.source();
    }

    /**
     * {@code tcp-request connection|session|content <action> [{if | unless} <condition>]}.
     *
     * @return false when the action is one Bascule does not run yet (the caller keeps the line with a warning)
     */
    boolean rule(Line line, String proxy) {
        String layer = line.word(1);
        String action = line.word(2);
        String keyword = "tcp-request " + layer;
        if (action == null) {
            diag.alert(line.source(), "missing argument for '" + keyword + "' in " + proxy);
            return true;
        }
        TcpRule.Action a = switch (action) {
            case "accept" -> TcpRule.Action.ACCEPT;
            case "reject" -> TcpRule.Action.REJECT;
            case "capture" -> TcpRule.Action.CAPTURE;
            case "expect-proxy" -> TcpRule.Action.EXPECT_PROXY;
            default -> VarActions.isVarAction(action) ? TcpRule.Action.VAR : null;
        };
        int conditionAt = 3;
        if (a == TcpRule.Action.EXPECT_PROXY) {
            if (!layer.equals("connection")) {
                diag.alert(line.source(), "'" + keyword + " expect-proxy' is only allowed in 'tcp-request connection' "
                        + "rules, in " + proxy);
                return true;
            }
            if (!"layer4".equals(line.word(3))) {
                diag.alert(line.source(), "'" + keyword + " expect-proxy' only supports 'layer4', in " + proxy
                        + " (got '" + line.word(3) + "')");
                return true;
            }
            action = "expect-proxy layer4";
            conditionAt = 4;
        }
        if (a == null) {
            if (pending(action)) {
                return false;
            }
            diag.alert(line.source(), "'" + keyword + "' expects 'accept', 'reject', 'capture', 'expect-proxy', "
                    + "'expect-netscaler-cip', 'track-sc0' ... 'track-sc2', in " + proxy + " (got '" + action + "')"
                    + Nearest.suggestion(action, List.of("accept", "reject", "capture", "track-sc0", "set-var")));
            return true;
        }
        int cond = conditionAt;
        VarAction var = null;
        TcpRule.Capture capture = null;
        if (a == TcpRule.Action.VAR) {
            while (cond < line.size() && !ConditionParser.starts(line.word(cond))) {
                cond++;
            }
            try {
                var = VarActions.parse(action, line.words().subList(3, cond), samples);
            } catch (SampleException e) {
                diag.alert(line.source(), "'" + keyword + " " + action + "' : " + e.getMessage() + ", in " + proxy);
                return true;
            }
        } else if (a == TcpRule.Action.CAPTURE) {
            if (!layer.equals("content")) {
                diag.alert(line.source(), "'capture " + line.word(3) + "' is not allowed in '" + keyword
                        + "' rules in " + proxy);
                return true;
            }
            if (line.size() < 6 || !line.word(4).equals("len") || !line.word(5).matches("[1-9]\\d{0,4}")) {
                diag.alert(line.source(), "'" + keyword + " capture' : a positive 'len' argument is mandatory");
                return true;
            }
            SampleExpr expr = acls.expression(line, line.word(3), keyword + " capture");
            if (expr == null) {
                return true;
            }
            cond = 6;
            if (line.size() > 6 && !ConditionParser.starts(line.word(6))) {
                diag.alert(line.source(), "'" + keyword + " capture' only accepts 'if' or 'unless', in " + proxy
                        + " (got '" + line.word(6) + "')");
                return true;
            }
            int length = Integer.parseInt(line.word(5));
            capture = new TcpRule.Capture(expr, log.ruleCapture(length), length);
        } else if (line.size() > cond && !ConditionParser.starts(line.word(cond))) {
            diag.alert(line.source(), "'" + keyword + " " + action + "' only accepts 'if' or 'unless', in " + proxy
                    + " (got '" + line.word(conditionAt) + "')");
            return true;
        }
        AclCondition c = acls.condition(line, cond, keyword + " " + action);
        if (c == null) {
            return true;
        }
        if (!layer.equals("content")) {
            AclTerm t = c.firstNeedingContent();
            if (t != null) {
                String where = "'" + proxy.substring(0, proxy.indexOf(' ')) + " " + keyword + " rule'";
                diag.warning(line.source(), (t.name().startsWith("{")
                        ? "anonymous acl will never match in '" + keyword + "' because it uses keyword '"
                        + t.tests().get(0).expr().fetch().keyword() + "' which is incompatible with " + where
                        : "acl '" + t.name() + "' will never match in '" + keyword + "' because it only involves "
                        + "keywords that are incompatible with " + where) + "; use 'tcp-request content'");
            }
            if (!content.isEmpty()) {
                diag.warning(line.source(), "a '" + keyword + "' rule placed after a 'tcp-request content' rule will "
                        + "still be processed before.");
            }
        }
        TcpRule rule = new TcpRule(a, var, capture, c, line.source());
        switch (layer.toLowerCase(Locale.ROOT)) {
            case "connection" -> connection.add(rule);
            case "session" -> session.add(rule);
            default -> content.add(rule);
        }
        return true;
    }

    /** The rules, each condition with its ACLs as the section finally has them. */
    TcpRules build() {
        return new TcpRules(inspectDelayMs, resolve(connection), resolve(session), resolve(content));
    }

    private List<TcpRule> resolve(List<TcpRule> rules) {
        return rules.stream().map(r -> new TcpRule(r.action(), r.var(), r.capture(), acls.resolved(r.condition()),
                r.source())).toList();
    }
}
