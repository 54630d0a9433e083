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

    public boolean holds(SampleContext c) {
        return any(c) != unless;
    }

    private boolean any(SampleContext c) {
        for (Acl[] all : alternatives) {
            boolean each = true;
            for (Acl acl : all) {
                if (!acl.holds(c)) {
                    each = false;
                    break;
                }
            }
            if (each) {
                return true;
            }
        }
        return false;
    }
}
