package dev.bascule.config.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Compiles a rule's condition, the words from {@code if} or {@code unless} on (HAProxy's {@code parse_acl_cond}):
 * ACL names ANDed, {@code ||} or {@code or} between alternatives, {@code !} before a name to negate it, and
 * anonymous ACLs between {@code {} and {@code }}. A name is looked up among the proxy's {@code acl} lines declared
 * so far, then among the predefined ACLs; an unknown name is an error, as in HAProxy.
 */
public final class ConditionParser {
    private final AclParser acls;
    /** The proxy's ACL lines by name, as declared so far; null for a name not declared. */
    private final Function<String, List<AclTest>> declared;

    public ConditionParser(AclParser acls, Function<String, List<AclTest>> declared) {
        this.acls = acls;
        this.declared = declared;
    }

    /** Whether a word starts a condition. */
    public static boolean starts(String word) {
        return "if".equals(word) || "unless".equals(word);
    }

    /** @param words {@code if} or {@code unless}, then the condition */
    public AclCondition parse(List<String> words) throws SampleException {
        AclCondition.Polarity polarity = switch (words.isEmpty() ? "" : words.get(0)) {
            case "if" -> AclCondition.Polarity.IF;
            case "unless" -> AclCondition.Polarity.UNLESS;
            default -> throw new SampleException("expected 'if' or 'unless' before a condition, got '"
                    + (words.isEmpty() ? "" : words.get(0)) + "'");
        };
        List<List<AclTerm>> alternatives = new ArrayList<>();
        List<AclTerm> current = new ArrayList<>();
        boolean negate = false;
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("!")) {
                negate = !negate;
                continue;
            }
            // HAProxy takes "or" in any case.
            if (w.equals("||") || w.equalsIgnoreCase("or")) {
                if (current.isEmpty() || negate) {
                    throw new SampleException("'" + w + "' must stand between two ACLs; nothing before it");
                }
                alternatives.add(current);
                current = new ArrayList<>();
                continue;
            }
            // "!name" and "!{" negate as "! name" does (HAProxy accepts both).
            while (w.length() > 1 && w.startsWith("!")) {
                negate = !negate;
                w = w.substring(1);
            }
            if (w.equals("{")) {
                int close = words.subList(i, words.size()).indexOf("}");
                if (close < 0) {
                    throw new SampleException("missing '}' to close the anonymous ACL opened with '{'");
                }
                List<String> inside = words.subList(i + 1, i + close);
                if (inside.isEmpty()) {
                    throw new SampleException("empty anonymous ACL '{ }'; write a criterion and its patterns, as in "
                            + "'{ path_beg /api }'");
                }
                current.add(new AclTerm(negate, "{" + String.join(" ", inside) + "}", acls.parse(inside)));
                i += close;
                negate = false;
                continue;
            }
            if (w.equals("}")) {
                throw new SampleException("'}' without an opening '{'");
            }
            current.add(new AclTerm(negate, w, named(w)));
            negate = false;
        }
        if (negate) {
            throw new SampleException("'!' must be followed by an ACL name");
        }
        if (current.isEmpty()) {
            throw new SampleException(alternatives.isEmpty() ? "missing condition after '" + words.get(0) + "'"
                    : "missing ACL after '||'");
        }
        alternatives.add(current);
        return new AclCondition(polarity, alternatives);
    }

    private List<AclTest> named(String name) throws SampleException {
        List<AclTest> tests = declared.apply(name);
        if (tests != null) {
            return tests;
        }
        List<AclTest> predefined = PredefinedAcls.named(name);
        if (predefined != null) {
            return predefined;
        }
        List<String> known = new ArrayList<>(PredefinedAcls.names());
        throw new SampleException("no such ACL : '" + name + "'; declare it with 'acl " + name
                + " <criterion> [flags] [patterns]' before this line, or write it anonymously as '{ <criterion> "
                + "<patterns> }'" + dev.bascule.config.Nearest.suggestion(name, known));
    }
}
