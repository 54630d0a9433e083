package dev.bascule.config;

import dev.bascule.config.model.Config;

import java.util.List;

/** The outcome of a parse: the model when there was no alert, and every diagnostic either way. */
public record ParseResult(Config config, List<Diagnostic> diagnostics) {
    public boolean valid() {
        return config != null;
    }
}
