package dev.bascule.config.model;

import dev.bascule.config.sample.AclCondition;

/** One {@code http-request}, {@code http-response} or {@code redirect} line: its action, when its condition holds. */
public record HttpRule(HttpAction action, AclCondition condition, Source source) {
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
