package dev.bascule.config;

/** Integer arguments with HAProxy-style messages. */
final class Numbers {
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
                + ", got '" + text + "'");
        return null;
    }
}
