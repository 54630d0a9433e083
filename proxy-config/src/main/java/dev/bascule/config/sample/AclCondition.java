package dev.bascule.config.sample;

import java.util.List;

/**
 * A rule's condition (HAProxy's {@code acl_cond}): {@code if} or {@code unless}, then terms ANDed together, in
 * alternatives ORed by {@code ||} (or {@code or}). A rule without a condition has {@link #ALWAYS}.
 */
public record AclCondition(Polarity polarity, List<List<AclTerm>> alternatives) {
    public enum Polarity { IF, UNLESS }

    /** No condition: the rule applies to every request. */
    public static final AclCondition ALWAYS = new AclCondition(Polarity.UNLESS, List.of());

    public AclCondition {
        alternatives = alternatives.stream().map(List::copyOf).toList();
    }

    /** Whether some term needs an HTTP request. */
    public boolean needsRequest() {
        return alternatives.stream().flatMap(List::stream).anyMatch(AclTerm::needsRequest);
    }

    /**
     * The first term that reads more than the connection (the client's bytes or a request), which a
     * {@code tcp-request connection} rule never has; null when there is none.
     */
    public AclTerm firstNeedingContent() {
        return alternatives.stream().flatMap(List::stream).filter(t -> t.tests().stream()
                .anyMatch(x -> x.expr().fetch().needs() != FetchKeyword.Needs.NOTHING)).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        if (this.equals(ALWAYS)) {
            return "";
        }
        StringBuilder b = new StringBuilder(polarity == Polarity.IF ? "if" : "unless");
        for (int i = 0; i < alternatives.size(); i++) {
            if (i > 0) {
                b.append(" ||");
            }
            for (AclTerm t : alternatives.get(i)) {
                b.append(' ').append(t.negated() ? "!" : "").append(t.name());
            }
        }
        return b.toString();
    }
}
