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

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A frontend's {@code http-request} rules ready to run (HAProxy's {@code http_req_get_intercept_rule}), in order:
 * header edits and variable actions apply and the rules go on; {@code allow} stops them; {@code deny},
 * {@code redirect}, {@code return} and {@code auth} answer the request from the proxy. Only a rule that edits a header turns the head into header
 * objects: a head the conditions merely read goes out in its own bytes.
 */
final class RequestRules {
    /** @param var the compiled variable action of a {@link HttpAction.Var} rule, else null */
    private record Rule(Condition condition, HttpAction action, Format value, VarEdit var) {
    }

    private final Rule[] rules;

    private RequestRules(Rule[] rules) {
        this.rules = rules;
    }

    static RequestRules of(List<HttpRule> rules) {
        return new RequestRules(rules.stream().map(r -> new Rule(Condition.of(r.condition()), r.action(),
                value(r.action()), r.action() instanceof HttpAction.Var v ? VarEdit.of(v.var()) : null))
                .toArray(Rule[]::new));
    }

    private static Format value(HttpAction a) {
        if (a instanceof HeaderEdit h && h.value() != null) {
            return Format.of(h.value());
        }
        return a instanceof Redirect r ? Format.of(r.to()) : null;
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
                edit(head, edit, r.value == null ? null : r.value.evaluate(c));
            } else if (r.var != null) {
                r.var.apply(c);
            } else if (a instanceof HttpAction.Auth auth) {
                client.challenge(head, auth.realm());
                return true;
            } else if (a instanceof HttpAction.Deny deny) {
                client.deny(head, deny.status());
                return true;
            } else if (a instanceof Redirect redirect) {
                client.answer(head, redirectPage(redirect.code(), location(redirect, r.value.evaluate(c), head)));
                return true;
            } else if (a instanceof HttpAction.Return answer) {
                client.answer(head, returnPage(answer));
                return true;
            }
        }
        return false;
    }

    private static void edit(RequestHead head, HeaderEdit edit, String value) {
        HttpHeaders h = head.headers();
        switch (edit.edit()) {
            case SET -> h.set(edit.name(), value);
            case ADD -> h.add(edit.name(), value);
            case DEL -> h.remove(edit.name());
        }
    }

    /** A redirect as HAProxy answers it: no body, the Location, no caching. */
    static FullHttpResponse redirectPage(int code, String location) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
                Unpooled.EMPTY_BUFFER);
        r.headers().add(HttpHeaderNames.CONTENT_LENGTH, 0).add(HttpHeaderNames.LOCATION, location)
                .add(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        return r;
    }

    /** {@code http-request return}: the status, with the body given (or none) and its type. */
    static FullHttpResponse returnPage(HttpAction.Return a) {
        byte[] bytes = a.body() == null ? new byte[0] : a.body().getBytes(StandardCharsets.ISO_8859_1);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()),
                Unpooled.wrappedBuffer(bytes));
        r.headers().add(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (a.contentType() != null) {
            r.headers().add(HttpHeaderNames.CONTENT_TYPE, a.contentType());
        }
        return r;
    }

    /** The Location of a redirect, as HAProxy's {@code http_apply_redirect_rule} builds it. */
    static String location(Redirect r, String to, RequestView head) {
        String uri = head.uri();
        if (r.dropQuery()) {
            int q = uri.indexOf('?');
            uri = q < 0 ? uri : uri.substring(0, q);
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
