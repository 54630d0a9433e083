package dev.bascule.core.http;

import dev.bascule.config.model.HttpAction;
import dev.bascule.config.model.HttpAction.HeaderEdit;
import dev.bascule.config.model.HttpAction.Redirect;
import dev.bascule.config.model.HttpRule;
import dev.bascule.core.sample.Condition;
import dev.bascule.core.sample.Format;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.sample.VarEdit;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A transaction's {@code http-response} or {@code http-after-response} rules ready to run (HAProxy's
 * {@code http_res_get_intercept_rule}): the backend's section first, then the frontend's, each in order until an
 * {@code allow}, which ends only its own section's. Header edits and {@code set-status} change the response and the
 * rules go on; {@code deny}, {@code return} and {@code redirect} replace it with the proxy's answer. Only a rule that
 * edits the head turns it into header objects: a head the conditions merely read goes out in its own bytes.
 */
final class ResponseRules {
    static final ResponseRules NONE = new ResponseRules(new Rule[0][]);

    /** A rule compiled: its condition, its value (a header's, a redirect's target), its variable action, its reply. */
    private record Rule(Condition condition, HttpAction action, Format value, Pattern regex, VarEdit var,
            Reply reply) {
    }

    /**
     * What the rules answer instead of the response.
     *
     * @param page    the answer, or null for the proxy's page for {@code status}
     * @param denied  a {@code deny} (counted in dresp, {@code PH}); else {@code return} or {@code redirect} ({@code LH})
     */
    record Intercept(int status, FullHttpResponse page, boolean denied) {
    }

    private final Rule[][] sections;

    private ResponseRules(Rule[][] sections) {
        this.sections = sections;
    }

    /** The rules of each section in the order they run: a backend's, then its frontend's. */
    static ResponseRules of(List<List<HttpRule>> sections) {
        Rule[][] compiled = sections.stream().filter(s -> !s.isEmpty()).map(s -> s.stream()
                .map(r -> new Rule(Condition.of(r.condition()), r.action(), RequestRules.value(r.action()),
                        RequestRules.regex(r.action()), RequestRules.var(r.action()),
                        RequestRules.reply(r.action()))).toArray(Rule[]::new)).toArray(Rule[][]::new);
        return compiled.length == 0 ? NONE : new ResponseRules(compiled);
    }

    boolean isEmpty() {
        return sections.length == 0;
    }

    /**
     * @param c the transaction's context with {@code head} as its response
     * @return null when the response goes on (edited or not), else what the proxy answers instead
     */
    Intercept run(EditableResponse head, SampleContext c) {
        for (Rule[] section : sections) {
            for (Rule r : section) {
                if (!r.condition.holds(c)) {
                    continue;
                }
                HttpAction a = r.action;
                if (a instanceof HttpAction.Allow) {
                    break;
                }
                if (a instanceof HeaderEdit edit) {
                    edit(head, edit, r.value == null ? null : r.value.evaluate(c));
                } else if (a instanceof HttpAction.ReplaceHeader replace) {
                    HeaderRewrite.replace(head, head::headers, replace, r.regex, r.value.evaluate(c));
                } else if (a instanceof HttpAction.DelHeaders del) {
                    HeaderRewrite.delete(head, head::headers, del, r.regex);
                } else if (r.var != null) {
                    r.var.apply(c);
                } else if (a instanceof HttpAction.SetStatus s) {
                    head.status(s.status(), s.reason() != null ? s.reason() : reason(s.status()));
                } else if (a instanceof HttpAction.Deny) {
                    return new Intercept(r.reply.status(), r.reply.build(replied(c)), true);
                } else if (a instanceof HttpAction.Return) {
                    return new Intercept(r.reply.status(), r.reply.build(replied(c)), false);
                } else if (a instanceof Redirect redirect) {
                    String to = r.value.evaluate(c);
                    if (!RequestRules.ignored(redirect, to)) {
                        return new Intercept(redirect.code(), RequestRules.redirectPage(redirect, to), false);
                    }
                }
            }
        }
        return null;
    }

    private static void edit(EditableResponse head, HeaderEdit edit, String value) {
        switch (edit.edit()) {
            case SET -> head.set(edit.name(), value);
            case ADD -> head.add(edit.name(), value);
            case DEL -> head.delete(edit.name());
        }
    }

    /**
     * What a reply's log-format payload and headers read: HAProxy drops the server's response before it builds one,
     * so {@code status} or {@code res.hdr} there find nothing (a redirect's Location is built before, and reads it).
     */
    private static SampleContext replied(SampleContext c) {
        return c.with((dev.bascule.core.sample.ResponseView) null);
    }

    /**
     * The reason HAProxy's {@code http_get_reason} gives a code: the standard one, else "Other". Netty makes a new
     * status object for a code it does not know, and returns its constant for one it knows.
     */
    static String reason(int code) {
        HttpResponseStatus known = HttpResponseStatus.valueOf(code);
        return known == HttpResponseStatus.valueOf(code) ? known.reasonPhrase() : "Other";
    }
}
