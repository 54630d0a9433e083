package dev.bascule.core.http;

import dev.bascule.config.model.HttpAction;
import dev.bascule.config.model.HttpAction.HeaderEdit;
import dev.bascule.config.model.HttpAction.Redirect;
import dev.bascule.config.model.HttpRule;
import dev.bascule.core.sample.Condition;
import dev.bascule.core.sample.Format;
import dev.bascule.core.sample.RequestView;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.sample.VarEdit;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;

/**
 * A frontend's {@code http-request} rules ready to run (HAProxy's {@code http_req_get_intercept_rule}), in order:
 * header edits and variable actions apply and the rules go on; {@code allow} stops them; {@code deny},
 * {@code redirect}, {@code return} and {@code auth} answer the request from the proxy. Only a rule that edits a header turns the head into header
 * objects: a head the conditions merely read goes out in its own bytes.
 */
final class RequestRules {
    /**
     * A rule compiled: its condition, its value (a header's, a redirect's target), its variable action (of a
     * {@link HttpAction.Var} rule, else null) and its reply.
     */
    private record Rule(Condition condition, HttpAction action, Format value, VarEdit var, Reply reply) {
    }

    private final Rule[] rules;

    private RequestRules(Rule[] rules) {
        this.rules = rules;
    }

    static RequestRules of(List<HttpRule> rules) {
        return new RequestRules(rules.stream().map(r -> new Rule(Condition.of(r.condition()), r.action(),
                value(r.action()), var(r.action()), reply(r.action()))).toArray(Rule[]::new));
    }

    static Format value(HttpAction a) {
        if (a instanceof HeaderEdit h && h.value() != null) {
            return Format.of(h.value());
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

    boolean isEmpty() {
        return rules.length == 0;
    }

    /** @return true when a rule answered the request (the analyzers after it do not run) */
    boolean run(ClientSide client, RequestHead head, SampleContext c) {
        for (Rule r : rules) {
            if (!r.condition.holds(c)) {
                continue;
            }
            HttpAction a = r.action;
            if (a instanceof HttpAction.Allow) {
                return false;
            }
            if (a instanceof HeaderEdit edit) {
                edit(head.headers(), edit, r.value == null ? null : r.value.evaluate(c));
            } else if (r.var != null) {
                r.var.apply(c);
            } else if (a instanceof HttpAction.Auth auth) {
                client.challenge(head, auth.realm());
                return true;
            } else if (a instanceof HttpAction.Deny) {
                client.deny(head, r.reply.status(), r.reply.build(c));
                return true;
            } else if (a instanceof Redirect redirect) {
                String to = r.value.evaluate(c);
                if (ignored(redirect, to)) {
                    continue;
                }
                client.answer(head, redirect.code(), redirectPage(redirect, location(redirect, to, head)));
                return true;
            } else if (a instanceof HttpAction.Return) {
                client.answer(head, r.reply.status(), r.reply.build(c));
                return true;
            }
        }
        return false;
    }

    /** A header edit on either side's header objects. */
    static void edit(HttpHeaders h, HeaderEdit edit, String value) {
        switch (edit.edit()) {
            case SET -> h.set(edit.name(), value);
            case ADD -> h.add(edit.name(), value);
            case DEL -> h.remove(edit.name());
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
