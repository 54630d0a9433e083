package dev.bascule.config.model;

import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.SampleExpr;

/**
 * A {@code use_backend} line (doc section 4.2), in the order written: the backend named, or built from a sample
 * ({@code use_backend be_%[req.hdr(host),lower]}: the text around the expression, and the expression), when the
 * condition holds.
 *
 * @param backend   the name as written (with its {@code %[...]} when built at run time)
 * @param dynamic   the expression of a built name, or null for a backend named outright
 * @param prefix    a built name's text before {@code %[}, empty for a named backend
 * @param suffix    a built name's text after {@code ]}, empty for a named backend
 */
public record SwitchingRule(String backend, SampleExpr dynamic, String prefix, String suffix,
                            AclCondition condition, Source source) {
    /** Positions are not part of a model's identity: see {@link Values}. */
    @Override
    public boolean equals(Object o) {
        return Values.equal(this, o);
    }

    @Override
    public int hashCode() {
        return Values.hash(this);
    }

    @Override
    public String toString() {
        String c = condition.toString();
        return c.isEmpty() ? backend : backend + " " + c;
    }
}
