package dev.bascule.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Integer arguments with HAProxy-style messages. */
final class Numbers {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");

    private Numbers() {
    }

    /**
     * Whether {@code line} has at most {@code words} words; otherwise an alert in HAProxy's words
     * ({@code alertif_too_many_args}): a stray word is more often a typo than something meant to be ignored.
     */
    static boolean atMost(Diagnostics diag, Line line, int words) {
        if (line.size() <= words) {
            return true;
        }
        diag.alert(line.source(), "'" + line.keyword() + "' cannot handle unexpected argument '" + line.word(words)
                + "'.");
        return false;
    }

    /** @return the value, or null after an alert naming the keyword, the expected range and what was given */
    static Integer parse(Diagnostics diag, Line line, String what, String text, int min, int max) {
        if (text == null) {
            diag.alert(line.source(), "'" + what + "' expects an integer argument between " + min + " and " + max);
            return null;
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the same wording as an out-of-range value
        }
        diag.alert(line.source(), "'" + what + "' expects an integer argument between " + min + " and " + max
                + ", got '" + text + "'" + unexpanded(text));
        return null;
    }

    /**
     * For a value that names an environment variable outside double quotes, which HAProxy leaves as text there:
     * how to have it expanded; else "".
     */
    static String unexpanded(String text) {
        Matcher m = VARIABLE.matcher(text);
        return m.find() ? "; the environment variable '" + m.group(1) + "' is expanded only inside double quotes: "
                + "write \"${" + m.group(1) + "}\"" : "";
    }
}
