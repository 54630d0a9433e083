package dev.bascule.config;

import dev.bascule.config.model.Source;

/** One message about a config: an ALERT makes the config invalid, a WARNING does not. */
public record Diagnostic(Severity severity, Source source, String message) {
    public enum Severity { ALERT, WARNING }

    /** HAProxy's shape without the level prefix: {@code parsing [file:line] : message}. */
    public String text() {
        return source == null ? message : "parsing [" + source + "] : " + message;
    }

    @Override
    public String toString() {
        return "[" + severity + "] " + text();
    }
}
