package dev.bascule.core.sample;

import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.AclTerm;

import java.util.List;

/**
 * A rule's condition ready to run: alternatives ORed, each its ACLs ANDed (evaluation stops at the first ACL that
 * decides, as HAProxy's does), then {@code unless} inverts. Built once per generation from the model's
 * {@link AclCondition}.
 */
public final class Condition {
    /** The condition of a rule written without one. */
    public static final Condition ALWAYS = new Condition(AclCondition.ALWAYS);

    private final boolean unless;
    private final Acl[][] alternatives;

    private Condition(AclCondition model) {
        this.unless = model.polarity() == AclCondition.Polarity.UNLESS;
        List<List<AclTerm>> alts = model.alternatives();
        alternatives = new Acl[alts.size()][];
        for (int i = 0; i < alts.size(); i++) {
            alternatives[i] = alts.get(i).stream().map(Acl::new).toArray(Acl[]::new);
        }
    }

    public static Condition of(AclCondition model) {
        return model.equals(AclCondition.ALWAYS) ? ALWAYS : new Condition(model);
    }

    /**
     * HAProxy's three results (acl_test_res), as bits: a condition that reads bytes that may still come may neither
     * pass nor fail yet. ANDed and ORed bitwise, as HAProxy does: FAIL and anything fails, PASS or anything passes.
     */
    static final int FAIL = 0;
    static final int MISS = 1;
    static final int PASS = 3;

    /** The three results a rule that may wait for more bytes tells apart. */
    public enum Result { FAIL, MISS, PASS }

    public boolean holds(SampleContext c) {
        return test(c) == PASS;
    }

    /** Whether the condition holds, does not, or cannot tell before more of the client's bytes come. */
    public Result result(SampleContext c) {
        return switch (test(c)) {
            case PASS -> Result.PASS;
            case MISS -> Result.MISS;
            default -> Result.FAIL;
        };
    }

    private int test(SampleContext c) {
        int any = FAIL;
        for (Acl[] all : alternatives) {
            int each = PASS;
            for (Acl acl : all) {
                each &= acl.test(c);
                if (each == FAIL) {
                    break;
                }
            }
            any |= each;
            if (any == PASS) {
                break;
            }
        }
        // unless inverts a decided result only (HAProxy's acl_neg leaves a miss a miss).
        return unless && any != MISS ? PASS - any : any;
    }
}
