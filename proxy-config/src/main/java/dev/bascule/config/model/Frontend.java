package dev.bascule.config.model;

import dev.bascule.config.sample.AclCondition;

import java.util.List;

/**
 * The accepting side of a {@code frontend} or {@code listen} section, defaults already applied.
 * {@code maxconn} 0 means no frontend limit (the global one still applies). {@code prometheus} is the
 * condition of {@code http-request use-service prometheus-exporter}, or null when it is not used. {@code id}
 * is the proxy's numeric id, as HAProxy numbers proxies ({@code forcedId}: from the {@code id} keyword).
 * {@code log} is what its traffic log writes, and where. {@code switching} holds its {@code use_backend} rules, in order;
 * {@code defaultBackend} serves requests none of them takes. {@code httpRequest} holds its {@code http-request} rules
 * and {@code redirect} lines, in order; {@code tcpRequest} its {@code tcp-request} rules. {@code monitorFail} holds the
 * conditions of its {@code monitor fail} lines, in order: the {@code monitor-uri} answers 503 while one of them holds.
 */
public record Frontend(String name, Source source, int id, boolean forcedId, Mode mode, List<Bind> binds,
                       int maxconn, Timeouts timeouts, String defaultBackend, StatsSettings stats,
                       AclCondition prometheus, HttpSettings http, List<AclCondition> monitorFail, LogSettings log,
                       List<SwitchingRule> switching, List<HttpRule> httpRequest, TcpRules tcpRequest,
                       List<Directive> unimplemented) {
    public Frontend {
        binds = List.copyOf(binds);
        monitorFail = List.copyOf(monitorFail);
        switching = List.copyOf(switching);
        httpRequest = List.copyOf(httpRequest);
        unimplemented = List.copyOf(unimplemented);
    }

    /** Positions are not part of a model's identity: see {@link Values}. */
    @Override
    public boolean equals(Object o) {
        return Values.equal(this, o);
    }

    @Override
    public int hashCode() {
        return Values.hash(this);
    }
}
