package dev.bascule.dist;

import dev.bascule.config.Diagnostic;
import dev.bascule.config.ParseResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/** Prints a parse's alerts and warnings in HAProxy's shape ({@code [ALERT]    (pid) : parsing [f:l] : ...}). */
final class ConfigReport {
    private static final Logger log = LoggerFactory.getLogger(ConfigReport.class);

    private ConfigReport() {
    }

    /** A parse's diagnostics, then, if it failed, the lines with which HAProxy's {@code -c} ends. */
    static void report(ParseResult result, List<Path> files) {
        log(result.diagnostics());
        if (!result.valid()) {
            for (Path f : files) {
                log.error("Error(s) found in configuration file : {}", f);
            }
            log.error("Fatal errors found in configuration.");
        }
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
