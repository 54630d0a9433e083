package dev.bascule.core;

import dev.bascule.config.model.TcpRule;
import dev.bascule.config.model.TcpRules;
import dev.bascule.core.sample.Condition;
import dev.bascule.core.sample.Expression;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.sample.VarEdit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;

import java.util.List;

/**
 * A frontend's {@code tcp-request} rules ready to run (HAProxy's {@code tcp_exec_l4_rules}, {@code tcp_exec_l5_rules},
 * {@code tcp_inspect_request}): in order, a variable action whose condition holds applies and the rules go on; the
 * first accept or reject whose condition holds decides, {@code accept} letting the connection go on and
 * {@code reject} closing it; when none does it goes on. A content rule whose condition cannot
 * tell yet (its fetch lacks bytes that may still come) makes the whole list wait for more, as in HAProxy.
 */
public final class TcpRequestRules {
    /** What the content rules say of the bytes held so far. */
    public enum Verdict { ACCEPT, REJECT, WAIT }

    /** What the connection rules let a new connection do. */
    public enum Admission { REFUSED, ADMITTED, ADMITTED_EXPECTING_PROXY }

    /**
     * @param var     the compiled variable action of a {@link TcpRule.Action#VAR} rule, else null
     * @param capture what a {@link TcpRule.Action#CAPTURE} rule captures, else null
     */
    private record Rule(Condition condition, TcpRule.Action action, VarEdit var, Expression capture, int slot,
                        int length) {
        boolean reject() {
            return action == TcpRule.Action.REJECT;
        }
    }

    private final long inspectDelayMs;
    private final Rule[] connection;
    private final Rule[] session;
    private final Rule[] content;

    TcpRequestRules(TcpRules model) {
        this.inspectDelayMs = model.inspectDelayMs();
        this.connection = compile(model.connection());
        this.session = compile(model.session());
        this.content = compile(model.content());
    }

    private static Rule[] compile(List<TcpRule> rules) {
        return rules.stream().map(r -> new Rule(Condition.of(r.condition()), r.action(),
                r.var() == null ? null : VarEdit.of(r.var()),
                r.capture() == null ? null : Expression.of(r.capture().expr()),
                r.capture() == null ? -1 : r.capture().slot(), r.capture() == null ? 0 : r.capture().length()))
                .toArray(Rule[]::new);
    }

    /**
     * Closes a rejected connection with a reset, as HAProxy kills it (no lingering on what the client sent); a
     * socket that has no such option (a Unix one) is closed plainly.
     */
    public static void kill(Channel ch) {
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException unsupported) {
            // closed plainly below
        }
        ch.close();
    }

    /** {@code tcp-request inspect-delay}: how long content rules may wait for bytes; 0 decides at once. */
    public long inspectDelayMs() {
        return inspectDelayMs;
    }

    public boolean hasConnectionRules() {
        return connection.length > 0 || session.length > 0;
    }

    public boolean hasContentRules() {
        return content.length > 0;
    }

    /**
     * The {@code tcp-request connection} rules on a new connection: whether it may go on, and whether an
     * {@code expect-proxy layer4} that held asks it to begin with a PROXY header (that action does not end the rules).
     */
    public Admission connectionAdmission(SampleContext c) {
        boolean expectProxy = false;
        for (Rule r : connection) {
            if (r.condition.holds(c)) {
                if (r.var != null) {
                    r.var.apply(c);
                } else if (r.action == TcpRule.Action.EXPECT_PROXY) {
                    expectProxy = true;
                } else if (r.reject()) {
                    return Admission.REFUSED;
                } else {
                    break;
                }
            }
        }
        return expectProxy ? Admission.ADMITTED_EXPECTING_PROXY : Admission.ADMITTED;
    }

    /** The {@code tcp-request session} rules, once the connection's rules let it in. */
    public boolean sessionAccepted(SampleContext c) {
        return decided(session, c);
    }

    private static boolean decided(Rule[] rules, SampleContext c) {
        for (Rule r : rules) {
            if (r.condition.holds(c)) {
                if (r.var == null) {
                    return r.action == TcpRule.Action.ACCEPT;
                }
                r.var.apply(c);
            }
        }
        return true;
    }

    /** {@code capture}: the sample as text, cut at the rule's length, into the stream's capture slot (none: left). */
    private static void capture(Rule r, SampleContext c) {
        String v = r.capture.text(c);
        if (v != null && c.stream() != null) {
            c.stream().requestCapture(r.slot, v.length() > r.length ? v.substring(0, r.length) : v);
        }
    }

    /**
     * The {@code tcp-request content} rules on the bytes held in {@code c} ({@link SampleContext#payload()}; for an
     * HTTP request, its head). {@link Verdict#WAIT} only while the payload is not complete.
     */
    public Verdict content(SampleContext c) {
        for (Rule r : content) {
            switch (r.condition.result(c)) {
                case MISS:
                    return Verdict.WAIT;
                case PASS:
                    if (r.var != null) {
                        r.var.apply(c);
                    } else if (r.capture != null) {
                        capture(r, c);
                    } else {
                        return r.action == TcpRule.Action.REJECT ? Verdict.REJECT : Verdict.ACCEPT;
                    }
                    break;
                default:
                    break;
            }
        }
        return Verdict.ACCEPT;
    }
}
