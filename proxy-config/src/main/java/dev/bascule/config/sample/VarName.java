package dev.bascule.config.sample;

import java.util.Locale;

/**
 * A variable's name as rules write it ({@code txn.user}): its scope, then its name within the scope (HAProxy's
 * {@code vars_check_arg} and {@code vars_hash_name}). The scope says how long the value lives: the process, the client
 * connection (session), the transaction, or the request or response processing only.
 */
public record VarName(Scope scope, String name) {
    public enum Scope {
        PROC, SESS, TXN, REQ, RES;

        private final String word = name().toLowerCase(Locale.ROOT);

        public String word() {
            return word;
        }
    }

    /**
     * @param text the name as written, {@code <scope>.<name>}
     * @throws SampleException in HAProxy's words when the scope is not one of the five or the name is empty
     */
    public static VarName parse(String text) throws SampleException {
        if (text == null || text.isEmpty()) {
            throw new SampleException("Empty variable name cannot be accepted.");
        }
        int dot = text.indexOf('.');
        Scope scope = null;
        if (dot > 0 && dot < text.length() - 1) {
            for (Scope s : Scope.values()) {
                if (s.word().length() == dot && text.startsWith(s.word())) {
                    scope = s;
                }
            }
        }
        if (scope == null) {
            throw new SampleException("invalid variable name '" + text + "'. A variable name must be start by its "
                    + "scope. The scope can be 'proc', 'sess', 'txn', 'req' or 'res'.");
        }
        return new VarName(scope, text.substring(dot + 1));
    }

    /** A name the parser has checked (a model's): as {@link #parse}, unchecked. */
    public static VarName of(String text) {
        try {
            return parse(text.strip());
        } catch (SampleException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The name of a {@code var()} fetch: as {@link #parse}, and only of the characters HAProxy's argument parser
     * takes there (letters, digits, '.' and '_').
     */
    static VarName ofFetch(String text) throws SampleException {
        for (int i = 0; text != null && i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '.' && c != '_') {
                throw new SampleException("invalid syntax at char '" + text.substring(i) + "' in variable name '"
                        + text + "'; a name has only letters, digits, '.' and '_'");
            }
        }
        return parse(text);
    }

    @Override
    public String toString() {
        return scope.word() + "." + name;
    }
}
