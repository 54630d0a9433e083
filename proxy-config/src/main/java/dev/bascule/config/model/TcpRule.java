package dev.bascule.config.model;

import dev.bascule.config.sample.AclCondition;

/**
 * One {@code tcp-request connection|session|content} line (doc section 4.2) Bascule runs: {@code accept} ends the
 * layer's rules and lets the connection go on, {@code reject} closes it, a variable action ({@code var}) sets or
 * unsets a variable and the rules go on; when its condition holds.
 *
 * @param var the variable action of a {@link Action#VAR} rule, else null
 */
public record TcpRule(Action action, VarAction var, AclCondition condition, Source source) {
    public enum Action { ACCEPT, REJECT, VAR }

    public TcpRule(Action action, AclCondition condition, Source source) {
        this(action, null, condition, source);
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
