package dev.bascule.stats;

import dev.bascule.config.model.Mode;

import dev.bascule.core.BackendState;
import dev.bascule.core.FrontendState;
import dev.bascule.core.HttpCounters;
import dev.bascule.core.Runtime;
import dev.bascule.core.ServerState;
import dev.bascule.core.state.ServerStateFormat;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The live counters as Micrometer meters, under the names of HAProxy's Prometheus exporter
 * ({@code haproxy_frontend_current_sessions}, {@code haproxy_server_status{state="UP"}}, ...) so existing
 * dashboards work. The meters read the same objects as the CSV and the page: one source for all of them.
 */
final class Metrics {
    private static final List<String> SERVER_STATES = List.of("UP", "DOWN", "MAINT", "DRAIN", "NOLB");

    private final PrometheusMeterRegistry registry;
    /** The meters registered here, bound to one generation's objects: removed when a reload replaces it. */
    private final List<io.micrometer.core.instrument.Meter> meters = new java.util.ArrayList<>();
    final int generation;

    /** Registers into the runtime's registry when it is a Prometheus one (its session timers are there). */
    Metrics(Runtime runtime) {
        registry = runtime.meterRegistry() instanceof PrometheusMeterRegistry p ? p
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        generation = runtime.generation();
        gauge("haproxy.process.current.connection.rate", Tags.empty(), runtime, r -> r.connectionRate().rate());
        gauge("haproxy.process.max.connection.rate", Tags.empty(), runtime, r -> r.connectionRate().max());
        gauge("haproxy.process.current.session.rate", Tags.empty(), runtime, r -> r.connectionRate().rate());
        gauge("haproxy.process.max.session.rate", Tags.empty(), runtime, r -> r.connectionRate().max());
        for (FrontendState f : runtime.frontends()) {
            Tags t = Tags.of("proxy", f.name());
            gauge("haproxy.frontend.current.sessions", t, f, FrontendState::sessionsCurrent);
            gauge("haproxy.frontend.max.sessions", t, f, FrontendState::sessionsMax);
            gauge("haproxy.frontend.limit.sessions", t, f, FrontendState::sessionsLimit);
            gauge("haproxy.frontend.current.session.rate", t, f, x -> x.sessionRate().rate());
            gauge("haproxy.frontend.max.session.rate", t, f, x -> x.sessionRate().max());
            // 'rate-limit sessions' is not applied yet: no limit, which HAProxy reports as 0.
            gauge("haproxy.frontend.limit.session.rate", t, f, x -> 0);
            gauge("haproxy.frontend.connections.rate.max", t, f, x -> x.sessionRate().max());
            counter("haproxy.frontend.sessions", t, f, FrontendState::sessionsTotal);
            counter("haproxy.frontend.bytes.in", t, f, FrontendState::bytesIn);
            counter("haproxy.frontend.bytes.out", t, f, FrontendState::bytesOut);
            if (f.config().mode() == Mode.HTTP) {
                counter("haproxy.frontend.http.requests", t, f, x -> x.http().requests());
                gauge("haproxy.frontend.http.requests.rate.max", t, f, x -> x.http().requestRate().max());
                httpResponses("haproxy.frontend.http.responses", t, f.http());
            }
        }
        for (BackendState b : runtime.backends()) {
            Tags t = Tags.of("proxy", b.name());
            gauge("haproxy.backend.current.queue", t, b, BackendState::queued);
            gauge("haproxy.backend.max.queue", t, b, BackendState::maxQueued);
            gauge("haproxy.backend.current.sessions", t, b, x -> x.servers().stream()
                    .mapToInt(ServerState::currentSessions).sum());
            gauge("haproxy.backend.current.session.rate", t, b, x -> x.sessionRate().rate());
            gauge("haproxy.backend.max.session.rate", t, b, x -> x.sessionRate().max());
            counter("haproxy.backend.sessions", t, b, x -> x.servers().stream()
                    .mapToLong(ServerState::totalSessions).sum());
            counter("haproxy.backend.bytes.in", t, b, x -> x.servers().stream().mapToLong(ServerState::bytesIn).sum());
            counter("haproxy.backend.bytes.out", t, b, x -> x.servers().stream().mapToLong(ServerState::bytesOut).sum());
            if (b.config().mode() == Mode.HTTP) {
                counter("haproxy.backend.http.requests", t, b, x -> x.http().requests());
                httpResponses("haproxy.backend.http.responses", t, b.http());
            }
            counter("haproxy.backend.connection.errors", t, b, x -> x.servers().stream()
                    .mapToLong(ServerState::connectionErrors).sum());
            gauge("haproxy.backend.weight", t, b, x -> x.servers().stream().filter(ServerState::usable)
                    .mapToInt(ServerState::weight).sum());
            gauge("haproxy.backend.active.servers", t, b, x -> x.servers().stream()
                    .filter(s -> !s.backup() && s.usable()).count());
            gauge("haproxy.backend.backup.servers", t, b, x -> x.servers().stream()
                    .filter(s -> s.backup() && s.usable()).count());
            for (String state : List.of("UP", "DOWN")) {
                gauge("haproxy.backend.status", t.and("state", state), b,
                        x -> (x.servers().stream().anyMatch(ServerState::usable) ? "UP" : "DOWN").equals(state) ? 1 : 0);
            }
            for (ServerState s : b.servers()) {
                Tags st = Tags.of("proxy", b.name(), "server", s.name());
                gauge("haproxy.server.current.sessions", st, s, ServerState::currentSessions);
                gauge("haproxy.server.max.sessions", st, s, ServerState::maxSessions);
                gauge("haproxy.server.limit.sessions", st, s, ServerState::maxconn);
                gauge("haproxy.server.current.session.rate", st, s, x -> x.sessionRate().rate());
                gauge("haproxy.server.max.session.rate", st, s, x -> x.sessionRate().max());
                counter("haproxy.server.sessions", st, s, ServerState::totalSessions);
                counter("haproxy.server.bytes.in", st, s, ServerState::bytesIn);
                counter("haproxy.server.bytes.out", st, s, ServerState::bytesOut);
                if (b.config().mode() == Mode.HTTP) {
                    httpResponses("haproxy.server.http.responses", st, s.http());
                }
                counter("haproxy.server.connection.errors", st, s, ServerState::connectionErrors);
                counter("haproxy.server.retry.warnings", st, s, ServerState::retries);
                counter("haproxy.server.redispatch.warnings", st, s, ServerState::redispatches);
                gauge("haproxy.server.weight", st, s, ServerState::weight);
                counter("haproxy.server.check.failures", st, s, x -> x.health().failedChecks());
                counter("haproxy.server.check.up.down", st, s, x -> x.health().downTransitions());
                gauge("haproxy.server.check.duration.seconds", st, s,
                        x -> x.health().last() == null ? 0 : x.health().last().durationMs() / 1000.0);
                for (String state : SERVER_STATES) {
                    gauge("haproxy.server.status", st.and("state", state), s,
                            x -> state(x).equals(state) ? 1 : 0);
                }
            }
        }
    }

    /**
     * The exporter's server state (HAProxy's promex_srv_status): MAINT, else DRAIN or UP while the server runs,
     * else DOWN. It follows the operational state, not the page's words: an unchecked server is UP, not
     * "no check", and "UP 2/3" is UP. NOLB (soft-stop) has no counterpart here.
     */
    static String state(ServerState s) {
        if (s.admin() == ServerState.Admin.MAINT) {
            return "MAINT";
        }
        if (ServersState.opState(s) == ServerStateFormat.STOPPED) {
            return "DOWN";
        }
        return s.admin() == ServerState.Admin.DRAIN ? "DRAIN" : "UP";
    }

    /** HAProxy's {@code haproxy_*_http_responses_total{code="2xx"}}. */
    private void httpResponses(String name, Tags tags, HttpCounters http) {
        for (int i = 0; i < HttpCounters.CLASSES.length; i++) {
            int index = i;
            counter(name, tags.and("code", HttpCounters.CLASSES[i]), http, h -> h.responses(index));
        }
    }

    private <T> void gauge(String name, Tags tags, T obj, ToDoubleFunction<T> f) {
        meters.add(Gauge.builder(name, obj, f).tags(tags).register(registry));
    }

    private <T> void counter(String name, Tags tags, T obj, ToDoubleFunction<T> f) {
        meters.add(FunctionCounter.builder(name, obj, f).tags(tags).register(registry));
    }

    /** Unregisters this generation's meters (the registry's own timers stay). */
    void close() {
        meters.forEach(registry::remove);
    }

    /** The Prometheus text exposition (format 0.0.4). */
    String scrape() {
        return registry.scrape();
    }
}
