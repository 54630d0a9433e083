package dev.bascule.dist;

import dev.bascule.config.Diagnostic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Prints a parse's alerts and warnings in HAProxy's shape ({@code [ALERT]    (pid) : parsing [f:l] : ...}). */
final class ConfigReport {
    private static final Logger log = LoggerFactory.getLogger(ConfigReport.class);

    private ConfigReport() {
    }

    static void log(List<Diagnostic> diagnostics) {
        for (Diagnostic d : diagnostics) {
            if (d.severity() == Diagnostic.Severity.ALERT) {
                log.error(d.text());
            } else {
                log.warn(d.text());
            }
        }
    }
}
