package dev.bascule.config.model;

import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.SampleExpr;

/**
 * One {@code tcp-request connection|session|content} line (doc section 4.2) Bascule runs: {@code accept} ends the
 * layer's rules and lets the connection go on, {@code reject} closes it, a variable action ({@code var}) sets or
 * unsets a variable and the rules go on, as after a {@code capture} and an {@code expect-proxy layer4} (connection
 * rules only: the connection begins with a PROXY protocol header, as on an {@code accept-proxy} bind); when its
 * condition holds.
 *
 * @param var     the variable action of a {@link Action#VAR} rule, else null
 * @param capture what a {@link Action#CAPTURE} rule captures, else null
 */
public record TcpRule(Action action, VarAction var, Capture capture, AclCondition condition, Source source) {
    public enum Action { ACCEPT, REJECT, VAR, CAPTURE, EXPECT_PROXY }

    /**
     * {@code capture <sample> len <length>}: the sample as text, cut at {@code length}, into the frontend's request
     * capture {@code slot} (after the {@code capture request header} ones declared before it: {@code %hr}).
     */
    public record Capture(SampleExpr expr, int slot, int length) {
    }

    public TcpRule(Action action, AclCondition condition, Source source) {
        this(action, null, null, condition, source);
    }

    /** Positions are not part of a model's identity: see {@link Values}. */
    @Override
    public boolean equals(Object o) {
        return Values.equal(this, o);
    }

    @Override
    public int hashCode() {
        return Values.hash(this);
    }
}
