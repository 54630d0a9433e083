package dev.bascule.config;

import dev.bascule.config.model.Source;
import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.AclParser;
import dev.bascule.config.sample.AclTerm;
import dev.bascule.config.sample.AclTest;
import dev.bascule.config.sample.ConditionParser;
import dev.bascule.config.sample.FetchKeyword;
import dev.bascule.config.sample.PatternFiles;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.config.sample.SampleParser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A proxy section's {@code acl} lines (doc section 7) and the compiler of its conditions and sample expressions:
 * every keyword with an {@code if}/{@code unless} condition or an expression compiles it here, so one section
 * speaks one condition language. ACLs are the section's own (HAProxy has none in {@code defaults}).
 */
final class AclConfig {
    private final Diagnostics diag;
    private final SampleParser samples = new SampleParser(PatternFiles.DISK);
    private final AclParser aclParser = new AclParser(samples);
    /** The section's ACLs by name, each with its lines in order: several lines of one name OR together. */
    private final Map<String, List<AclTest>> acls = new LinkedHashMap<>();
    private final List<UserlistReference> userlists = new ArrayList<>();
    private final ConditionParser conditions = new ConditionParser(aclParser,
            name -> acls.containsKey(name) ? List.copyOf(acls.get(name)) : null);

    AclConfig(Diagnostics diag) {
        this.diag = diag;
    }

    /** {@code acl <aclname> <criterion> [flags] [operator] [<value>] ...}. */
    void acl(Line line) {
        String name = line.word(1);
        if (!name.matches("[A-Za-z0-9_.:-]+")) {
            diag.alert(line.source(), "'acl' : invalid character in ACL name '" + name + "'; letters, digits, '-', '_', "
                    + "'.' and ':' only");
            return;
        }
        try {
            List<AclTest> tests = aclParser.parse(line.words().subList(2, line.size()));
            acls.computeIfAbsent(name, n -> new ArrayList<>()).addAll(tests);
            tests.forEach(t -> userlistReference(t, line));
        } catch (SampleException e) {
            diag.alert(line.source(), "error detected while parsing ACL '" + name + "' : " + e.getMessage());
        }
    }

    /**
     * The condition starting at word {@code from} ({@code if} or {@code unless}), {@link AclCondition#ALWAYS} when the
     * line ends there, or null after an alert.
     *
     * @param keyword the rule as the alert names it, such as {@code use_backend}
     */
    AclCondition condition(Line line, int from, String keyword) {
        if (from >= line.size()) {
            return AclCondition.ALWAYS;
        }
        try {
            AclCondition c = conditions.parse(line.words().subList(from, line.size()));
            c.alternatives().stream().flatMap(List::stream).filter(t -> t.name().startsWith("{"))
                    .forEach(t -> t.tests().forEach(test -> userlistReference(test, line)));
            return c;
        } catch (SampleException e) {
            diag.alert(line.source(), "error detected while parsing '" + keyword + "' condition : " + e.getMessage());
            return null;
        }
    }

    /** An {@code http_auth(<userlist>)} or {@code http_auth_group(<userlist>)} an ACL line reads, where it is. */
    record UserlistReference(String userlist, String keyword, Source source) {
    }

    /** The userlists this section's ACLs name, checked once every section is read (they may come later). */
    List<UserlistReference> userlistReferences() {
        return List.copyOf(userlists);
    }

    private void userlistReference(AclTest test, Line line) {
        FetchKeyword f = test.expr().fetch();
        if (f == FetchKeyword.HTTP_AUTH || f == FetchKeyword.HTTP_AUTH_GROUP) {
            userlists.add(new UserlistReference(test.expr().arg(0), f.keyword(), line.source()));
        }
    }

    /** A sample expression, or null after an alert. */
    SampleExpr expression(Line line, String text, String keyword) {
        try {
            return samples.parse(text);
        } catch (SampleException e) {
            diag.alert(line.source(), "'" + keyword + "' : " + e.getMessage());
            return null;
        }
    }

    /**
     * The condition with each named ACL's lines as the section finally has them: HAProxy's conditions point at the
     * ACL, so a line of the same name written after the rule still counts.
     */
    AclCondition resolved(AclCondition c) {
        if (c == null || c.equals(AclCondition.ALWAYS)) {
            return c;
        }
        List<List<AclTerm>> out = new ArrayList<>();
        for (List<AclTerm> alternative : c.alternatives()) {
            out.add(alternative.stream().map(t -> acls.containsKey(t.name())
                    ? new AclTerm(t.negated(), t.name(), acls.get(t.name())) : t).toList());
        }
        return new AclCondition(c.polarity(), out);
    }
}
