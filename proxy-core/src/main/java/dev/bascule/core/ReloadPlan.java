package dev.bascule.core;

import dev.bascule.config.Diagnostic;
import dev.bascule.config.diff.ConfigDiff;

import java.util.List;

/**
 * What a reload with some configuration files would do, told without doing it (the runtime API's
 * {@code show reload-plan}, behind {@code bascule -c --diff}): the parse's diagnostics, then the line the reload
 * would log, in its words.
 */
public record ReloadPlan(List<Diagnostic> diagnostics, String line) {
    /** The line of a reload refused for its config's errors, which are logged before it. */
    public static final String ERRORS =
            "Reload refused: the configuration has errors (logged above); the running one stays.";
    static final String NOT_AVAILABLE = "Reload is not available here.";

    public ReloadPlan {
        diagnostics = List.copyOf(diagnostics);
    }

    /** What a reload's line means for whoever asked for it. */
    public enum Verdict {
        /** Everything the line names would be applied. */
        APPLIES,
        /** Applied, but for the {@code global} settings the line says only a restart changes. */
        NEEDS_RESTART,
        /** Nothing would change. */
        REFUSED;

        /** Read back from the line, as a client of the runtime API sees it. */
        public static Verdict of(String line) {
            if (!line.startsWith(ConfigDiff.LINE_START)) {
                return REFUSED;
            }
            return line.endsWith(ConfigDiff.RESTART) ? NEEDS_RESTART : APPLIES;
        }
    }

    /** The runtime API's answer: each diagnostic as {@code -c} prints it ({@code [ALERT] parsing [f:l] : ...}), then the line. */
    public String answer() {
        StringBuilder b = new StringBuilder();
        diagnostics.forEach(d -> b.append(d).append('\n'));
        return b.append(line).append('\n').toString();
    }
}
