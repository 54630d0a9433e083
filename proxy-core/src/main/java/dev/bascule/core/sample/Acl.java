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

    boolean holds(SampleContext c) {
        return matches(c) != negated;
    }

    private boolean matches(SampleContext c) {
        for (int i = 0; i < exprs.length; i++) {
            for (Object sample : exprs[i].all(c)) {
                if (matchers[i].indexOf(sample) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
