package dev.bascule.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Evaluates the conditions of {@code .if}/{@code .elif} blocks and of {@code -cc}, with HAProxy's
 * predicates ({@code defined}, {@code feature}, {@code streq}, {@code strneq}, {@code version_atleast},
 * {@code version_before}), integers (non-zero is true), {@code !}, {@code &&}, {@code ||} and parentheses.
 */
public final class Condition {
    private final Function<String, String> env;
    private final Set<String> features;
    private String text;
    private int pos;

    /**
     * @param env      environment lookup for {@code defined()}
     * @param features build features as shown by {@code -vv} (e.g. {@code EPOLL}), for {@code feature()}
     */
    public Condition(Function<String, String> env, Set<String> features) {
        this.env = env;
        this.features = features;
    }

    /** @throws IllegalArgumentException naming what is wrong in the expression */
    public boolean evaluate(String expression) {
        this.text = expression;
        this.pos = 0;
        boolean value = orExpr();
        skipBlanks();
        if (pos < text.length()) {
            throw new IllegalArgumentException("unexpected '" + text.substring(pos) + "' in condition '" + text + "'");
        }
        return value;
    }

    private boolean orExpr() {
        boolean value = andExpr();
        while (consume("||")) {
            boolean right = andExpr();
            value = value || right;
        }
        return value;
    }

    private boolean andExpr() {
        boolean value = term();
        while (consume("&&")) {
            boolean right = term();
            value = value && right;
        }
        return value;
    }

    private boolean term() {
        skipBlanks();
        if (consume("!")) {
            return !term();
        }
        if (consume("(")) {
            boolean value = orExpr();
            if (!consume(")")) {
                throw new IllegalArgumentException("missing ')' in condition '" + text + "'");
            }
            return value;
        }
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        String name = text.substring(start, pos);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("expected a predicate or a number at '" + text.substring(start)
                    + "' in condition '" + text + "'");
        }
        if (name.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(name) != 0;
        }
        if (!consume("(")) {
            throw new IllegalArgumentException("predicate '" + name + "' needs its arguments in parentheses");
        }
        List<String> args = arguments();
        return predicate(name, args);
    }

    private List<String> arguments() {
        List<String> args = new ArrayList<>();
        StringBuilder arg = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == ')') {
                args.add(arg.toString().trim());
                return args;
            }
            if (c == ',') {
                args.add(arg.toString().trim());
                arg.setLength(0);
            } else {
                arg.append(c);
            }
        }
        throw new IllegalArgumentException("missing ')' in condition '" + text + "'");
    }

    private boolean predicate(String name, List<String> args) {
        return switch (name) {
            case "defined" -> env.apply(one(name, args)) != null;
            case "feature" -> features.contains(one(name, args));
            case "streq" -> two(name, args) && args.get(0).equals(args.get(1));
            case "strneq" -> two(name, args) && !args.get(0).equals(args.get(1));
            case "version_atleast" -> Version.compare(Version.HAPROXY_COMPAT, one(name, args)) >= 0;
            case "version_before" -> Version.compare(Version.HAPROXY_COMPAT, one(name, args)) < 0;
            default -> throw new IllegalArgumentException("unknown predicate '" + name + "' in condition '" + text
                    + "'; known: defined, feature, streq, strneq, version_atleast, version_before");
        };
    }

    private static String one(String name, List<String> args) {
        if (args.size() != 1 || args.get(0).isEmpty()) {
            throw new IllegalArgumentException("'" + name + "' takes exactly one argument");
        }
        return args.get(0);
    }

    private static boolean two(String name, List<String> args) {
        if (args.size() != 2) {
            throw new IllegalArgumentException("'" + name + "' takes exactly two arguments");
        }
        return true;
    }

    private boolean consume(String token) {
        skipBlanks();
        if (text.startsWith(token, pos)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void skipBlanks() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
