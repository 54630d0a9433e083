package dev.bascule.core.sample;

import dev.bascule.config.sample.AclTerm;
import dev.bascule.config.sample.AclTest;

import java.util.List;

/**
 * An ACL ready to run (HAProxy's {@code acl_exec_cond} for one ACL): its lines, each a sample expression and a
 * pattern matcher; true when any sample of any line matches, with {@code -m found} true as soon as one exists.
 */
final class Acl {
    private final boolean negated;
    private final Expression[] exprs;
    private final PatternMatcher[] matchers;

    Acl(AclTerm term) {
        this.negated = term.negated();
        List<AclTest> tests = term.tests();
        exprs = new Expression[tests.size()];
        matchers = new PatternMatcher[tests.size()];
        for (int i = 0; i < tests.size(); i++) {
            AclTest t = tests.get(i);
            exprs[i] = Expression.of(t.expr());
            matchers[i] = new PatternMatcher(t.match(), t.ignoreCase(), t.patterns());
        }
    }

    /**
     * {@link Condition#PASS}, {@link Condition#FAIL}, or {@link Condition#MISS} when no sample matched but one lacked
     * bytes that may still come; negation leaves a miss a miss.
     */
    int test(SampleContext c) {
        int r = Condition.FAIL;
        for (int i = 0; i < exprs.length; i++) {
            if (exprs[i].match(matchers[i], c) >= 0) {
                c.takeMayChange();
                return negated ? Condition.FAIL : Condition.PASS;
            }
            if (c.takeMayChange()) {
                r = Condition.MISS;
            }
        }
        return negated && r == Condition.FAIL ? Condition.PASS : r;
    }
}
