package dev.bascule.config;

import dev.bascule.config.model.Source;

import java.util.ArrayList;
import java.util.List;

/** Collects every alert and warning of one parse, so a run reports all problems, not just the first. */
public final class Diagnostics {
    private final List<Diagnostic> all = new ArrayList<>();

    public void alert(Source source, String message) {
        all.add(new Diagnostic(Diagnostic.Severity.ALERT, source, message));
    }

    public void warning(Source source, String message) {
        all.add(new Diagnostic(Diagnostic.Severity.WARNING, source, message));
    }

    public boolean hasAlerts() {
        return all.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ALERT);
    }

    public List<Diagnostic> all() {
        return List.copyOf(all);
    }
}
