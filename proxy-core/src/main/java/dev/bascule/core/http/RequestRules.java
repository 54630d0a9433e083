package dev.bascule.core.http;

import dev.bascule.config.model.HttpAction;
import dev.bascule.config.model.HttpAction.HeaderEdit;
import dev.bascule.config.model.HttpAction.DelHeaders;
import dev.bascule.config.model.HttpAction.Redirect;
import dev.bascule.config.model.HttpAction.ReplaceHeader;
import dev.bascule.config.model.HttpAction.SetLogLevel;
import dev.bascule.config.model.HttpAction.SetRequestLine;
import dev.bascule.config.model.HttpRule;
import dev.bascule.config.sample.MatchMethod;
import dev.bascule.config.sample.SampleFormat;
import dev.bascule.core.sample.Condition;
import dev.bascule.core.sample.Expression;
import dev.bascule.core.sample.Format;
import dev.bascule.core.sample.RequestView;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.sample.VarEdit;
import dev.bascule.core.stream.Stream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A frontend's or a backend's {@code http-request} rules ready to run (HAProxy's {@code http_req_get_intercept_rule}),
 * in order: edits of the headers and of the request line, and {@code set-log-level}, apply and the rules go on;
 * variable actions apply too; {@code allow} stops them; {@code deny}, {@code redirect}, {@code return} and {@code auth}
 * answer the request from the proxy;
 * {@code tarpit} holds it, then answers; {@code early-hint} sends a 103 ahead of the answer. Only a rule that edits
 * the head turns it into header objects: a head the conditions merely read goes out in its own bytes.
 */
final class RequestRules {
    /**
     * @param regex  the action's regex compiled ({@code replace-header}, {@code del-header -m reg}), or null
     * @param sample the action's expression ({@code set-timeout}'s), or null
     * @param var    the compiled variable action of a {@link HttpAction.Var} rule, else null
     * @param reply  the reply of a {@code deny} or {@code return}, else null
     */
    private record Rule(Condition condition, HttpAction action, Format value, Pattern regex, Expression sample,
            VarEdit var, Reply reply) {
    }

    private final Rule[] rules;

    private RequestRules(Rule[] rules) {
        this.rules = rules;
    }

    static RequestRules of(List<HttpRule> rules) {
        return new RequestRules(rules.stream().map(r -> new Rule(Condition.of(r.condition()), r.action(),
                value(r.action()), regex(r.action()), sample(r.action()), var(r.action()), reply(r.action())))
                .toArray(Rule[]::new));
    }

    private static Expression sample(HttpAction a) {
        return a instanceof HttpAction.SetTimeout t && t.expr() != null ? Expression.of(t.expr()) : null;
    }

    static Format value(HttpAction a) {
        if (a instanceof HeaderEdit h && h.value() != null) {
            return Format.of(h.value());
        }
        if (a instanceof ReplaceHeader r) {
            return Format.of(r.replacement());
        }
        if (a instanceof SetRequestLine s) {
            return Format.of(s.value());
        }
        if (a instanceof HttpAction.EarlyHint hint) {
            return Format.of(hint.value());
        }
        if (a instanceof HttpAction.Capture capture) {
            return Format.of(new SampleFormat(List.of(new SampleFormat.Sample(capture.sample()))));
        }
        return a instanceof Redirect r ? Format.of(r.to()) : null;
    }

    static VarEdit var(HttpAction a) {
        return a instanceof HttpAction.Var v ? VarEdit.of(v.var()) : null;
    }

    static Reply reply(HttpAction a) {
        return a instanceof HttpAction.Deny d ? Reply.of(d.reply())
                : a instanceof HttpAction.Return r ? Reply.of(r.reply()) : null;
    }

    static Pattern regex(HttpAction a) {
        if (a instanceof ReplaceHeader r) {
            return Pattern.compile(r.regex());
        }
        return a instanceof DelHeaders d && d.match() == MatchMethod.REG ? Pattern.compile(d.pattern()) : null;
    }

    boolean isEmpty() {
        return rules.length == 0;
    }

    /** What a rule that ran leaves to the rules after it. */
    private enum Outcome { NEXT, STOP, ANSWERED }

    /** @return true when a rule answered the request (the analyzers after it do not run) */
    boolean run(ClientSide client, RequestHead head, Stream stream, SampleContext c) {
        return run(client, head, stream, c, 0);
    }

    /**
     * @param from the first rule to run: 0, or the one after a {@code wait-for-body} that held the body
     * @return true when a rule answered the request or holds it for its body (the analyzers after it do not run yet)
     */
    boolean run(ClientSide client, RequestHead head, Stream stream, SampleContext c, int from) {
        StringBuilder hints = null;
        for (int i = from; i < rules.length; i++) {
            Rule r = rules[i];
            if (!r.condition.holds(c)) {
                continue;
            }
            if (r.action instanceof HttpAction.WaitForBody wait) {
                if (client.waitForBody(head, this, i + 1, wait)) {
                    return true;
                }
                continue;
            }
            if (r.action instanceof HttpAction.EarlyHint hint) {
                // Consecutive unconditional early-hint rules make one 103, as HAProxy's; only HTTP/1.1 clients get it.
                if (head.protocolVersion() != HttpVersion.HTTP_1_1) {
                    continue;
                }
                hints = (hints == null ? new StringBuilder("HTTP/1.1 103 Early Hints\r\n") : hints)
                        .append(hint.name()).append(": ").append(r.value.evaluate(c)).append("\r\n");
                if (i + 1 == rules.length || !(rules[i + 1].action instanceof HttpAction.EarlyHint)
                        || rules[i + 1].condition != Condition.ALWAYS) {
                    client.earlyHints(hints.append("\r\n").toString());
                    hints = null;
                }
                continue;
            }
            Outcome o = act(r, client, head, stream, c);
            if (o != Outcome.NEXT) {
                return o == Outcome.ANSWERED;
            }
        }
        return false;
    }

    private static Outcome act(Rule r, ClientSide client, RequestHead head, Stream stream, SampleContext c) {
        HttpAction a = r.action;
        if (a instanceof HttpAction.Allow) {
            return Outcome.STOP;
        }
        // An edit that would change nothing leaves the head as it came (read, not turned into header objects).
        if (a instanceof HeaderEdit edit) {
            edit(head, edit, r.value == null ? null : r.value.evaluate(c));
        } else if (a instanceof ReplaceHeader replace) {
            HeaderRewrite.replace(head, head::headers, replace, r.regex, r.value.evaluate(c));
        } else if (a instanceof DelHeaders del) {
            HeaderRewrite.delete(head, head::headers, del, r.regex);
        } else if (a instanceof SetRequestLine set) {
            RequestLine.set(head, set.part(), r.value.evaluate(c));
        } else if (a instanceof HttpAction.NormalizeUri normalize) {
            String uri = head.uri();
            try {
                String normalized = UriNormalizer.normalize(uri, normalize);
                if (!normalized.equals(uri)) {
                    head.setUri(normalized);
                }
            } catch (UriNormalizer.InvalidUri e) {
                client.invalidByRule(head);
                return Outcome.ANSWERED;
            }
        } else if (a instanceof HttpAction.Capture capture) {
            capture(stream, capture.slot(), r.value.evaluate(c));
        } else if (a instanceof HttpAction.SetTimeout t) {
            setTimeout(stream, t, r.sample == null ? t.ms() : millis(r.sample.text(c)));
        } else if (a instanceof SetLogLevel level) {
            if (level.level() == SetLogLevel.SILENT) {
                stream.notLogged();
            } else {
                stream.logLevel(level.level());
            }
        } else if (r.var != null) {
            r.var.apply(c);
        } else if (a instanceof HttpAction.Auth auth) {
            client.challenge(head, auth.realm());
            return Outcome.ANSWERED;
        } else if (a instanceof HttpAction.Deny) {
            client.deny(head, r.reply.status(), r.reply.build(c));
            return Outcome.ANSWERED;
        } else if (a instanceof HttpAction.Tarpit tarpit) {
            client.tarpit(head, tarpit.status());
            return Outcome.ANSWERED;
        } else if (a instanceof Redirect redirect) {
            String to = r.value.evaluate(c);
            if (ignored(redirect, to)) {
                return Outcome.NEXT;
            }
            client.answer(head, redirect.code(), redirectPage(redirect, location(redirect, to, head)));
            return Outcome.ANSWERED;
        } else if (a instanceof HttpAction.Return) {
            client.answer(head, r.reply.status(), r.reply.build(c));
            return Outcome.ANSWERED;
        }
        return Outcome.NEXT;
    }

    /** An expression's milliseconds, or -1 when it gave no integer (the rule is then ignored, as in HAProxy). */
    private static long millis(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** HAProxy takes a positive value only: zero, or no value, leaves the backend's timeout. */
    private static void setTimeout(Stream stream, HttpAction.SetTimeout t, long ms) {
        if (ms <= 0) {
            return;
        }
        if (t.which() == HttpAction.SetTimeout.Which.SERVER) {
            stream.serverTimeout(ms);
        } else {
            stream.tunnelTimeout(ms);
        }
    }

    /**
     * Fills a request capture slot of the stream's frontend, cut to its length; a slot the frontend lacks (a
     * backend's rule naming an id its frontend has not) is ignored, as in HAProxy. Captures are only kept for a
     * frontend that logs (nothing else reads them).
     */
    private static void capture(Stream stream, int slot, String text) {
        String[] slots = stream.requestCaptures();
        var declared = stream.frontend().config().log().requestCaptures();
        if (slots != null && slot < slots.length && slot < declared.size()) {
            int length = declared.get(slot).length();
            slots[slot] = text.length() > length ? text.substring(0, length) : text;
        }
    }

    /** Setting or adding a header the head lacks keeps it in its bytes, the line added when it goes out. */
    private static void edit(RequestHead head, HeaderEdit edit, String value) {
        switch (edit.edit()) {
            case SET -> head.setLine(edit.name(), value);
            case ADD -> head.addLine(edit.name(), value);
            case DEL -> head.deleteLines(edit.name());
        }
    }

    /** {@code ignore-empty}: a {@code location} whose format gave nothing lets the rules go on. */
    static boolean ignored(Redirect r, String to) {
        return r.kind() == Redirect.Kind.LOCATION && r.has(Redirect.Option.IGNORE_EMPTY) && to.isEmpty();
    }

    /**
     * A redirect as HAProxy's {@code http_apply_redirect_rule} answers it: no body, the Location, no caching for the
     * temporary codes (302, 303, 307), then the rule's cookie.
     */
    static FullHttpResponse redirectPage(Redirect rule, String location) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(rule.code()),
                Unpooled.EMPTY_BUFFER);
        r.headers().add(HttpHeaderNames.CONTENT_LENGTH, 0).add(HttpHeaderNames.LOCATION, location);
        if (rule.code() == 302 || rule.code() == 303 || rule.code() == 307) {
            r.headers().add(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        }
        if (rule.cookie() != null) {
            r.headers().add(HttpHeaderNames.SET_COOKIE, rule.cookie());
        }
        return r;
    }

    /** The Location of a redirect, as HAProxy's {@code http_apply_redirect_rule} builds it. */
    static String location(Redirect r, String to, RequestView head) {
        String uri = head.uri();
        if (r.has(Redirect.Option.DROP_QUERY)) {
            int q = uri.indexOf('?');
            uri = q < 0 ? uri : uri.substring(0, q);
        }
        if (r.kind() != Redirect.Kind.LOCATION && r.has(Redirect.Option.APPEND_SLASH) && !uri.endsWith("/")) {
            uri += "/";
        }
        return switch (r.kind()) {
            case LOCATION -> to;
            // A prefix of "/" adds nothing: the target alone.
            case PREFIX -> to.equals("/") ? uri : to + uri;
            case SCHEME -> {
                List<String> host = head.headerLines("host");
                yield to + "://" + (host.isEmpty() ? "" : host.get(0)) + uri;
            }
        };
    }
}
