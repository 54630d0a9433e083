package dev.bascule.config.model;

import java.util.List;

/**
 * The accepting side of a {@code frontend} or {@code listen} section, defaults already applied.
 * {@code maxconn} 0 means no frontend limit (the global one still applies). {@code prometheusPath} is where
 * {@code http-request use-service prometheus-exporter} answers ("" for every path), or null.
 */
public record Frontend(String name, Source source, Mode mode, List<Bind> binds, int maxconn,
                       Timeouts timeouts, String defaultBackend, StatsSettings stats, String prometheusPath,
                       HttpSettings http,
                       List<Directive> unimplemented) {
    public Frontend {
        binds = List.copyOf(binds);
        unimplemented = List.copyOf(unimplemented);
    }
}
