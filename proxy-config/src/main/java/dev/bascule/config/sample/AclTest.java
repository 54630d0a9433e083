package dev.bascule.config.sample;

import java.util.List;

/**
 * One {@code acl} line (or one anonymous {@code { ... }} ACL, or one predefined ACL's line): a sample, how it is
 * matched, and the patterns. The ACL is true when any sample the expression gives matches any pattern.
 *
 * @param ignoreCase {@code -i}
 */
public record AclTest(SampleExpr expr, MatchMethod match, boolean ignoreCase, List<AclPattern> patterns) {
    public AclTest {
        patterns = List.copyOf(patterns);
    }
}
