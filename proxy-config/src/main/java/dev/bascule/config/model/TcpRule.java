package dev.bascule.config.model;

import dev.bascule.config.sample.AclCondition;

/**
 * One {@code tcp-request connection|session|content} line (doc section 4.2) Bascule runs: {@code accept} ends the
 * layer's rules and lets the connection go on, {@code reject} closes it; when its condition holds. {@code expect-proxy
 * layer4} (connection rules only) has the connection begin with a PROXY protocol header, as an {@code accept-proxy}
 * bind, and the rules go on.
 */
public record TcpRule(Action action, AclCondition condition, Source source) {
    public enum Action { ACCEPT, REJECT, EXPECT_PROXY }

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
