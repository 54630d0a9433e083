package dev.bascule.config.sample;

import java.util.List;

/**
 * An ACL as a condition names it: its name (an {@code acl} line's, a predefined one's such as {@code TRUE}, or
 * {@code {...}} for an anonymous one) and its lines, any of which matching makes it true; {@code negated} when
 * written {@code !name}.
 */
public record AclTerm(boolean negated, String name, List<AclTest> tests) {
    public AclTerm {
        tests = List.copyOf(tests);
    }

    /** Whether it needs an HTTP request (some fetch of it does). */
    public boolean needsRequest() {
        return tests.stream().anyMatch(t -> t.expr().needsRequest());
    }
}
