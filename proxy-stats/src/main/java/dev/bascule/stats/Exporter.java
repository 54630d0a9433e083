package dev.bascule.stats;

import dev.bascule.config.model.Mode;
import dev.bascule.core.BackendState;
import dev.bascule.core.FrontendState;
import dev.bascule.core.PhaseTimes;
import dev.bascule.core.Runtime;
import dev.bascule.core.ServerState;
import dev.bascule.core.check.CheckResult;
import dev.bascule.core.check.CheckStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HAProxy's Prometheus exporter ({@code http-request use-service prometheus-exporter}): the process, frontend,
 * backend and server metrics of {@link ExporterFields}, valued from the same rows as {@code show stat} and the
 * same fields as {@code show info}, with its query parameters: {@code scope} (repeatable: global, frontend,
 * backend, server, listener, sticktable, {@code *} or empty for none) and {@code no-maint} (servers in maintenance
 * left out). Bascule's own meters (latency histograms, under {@code bascule_}) follow when no scope is asked.
 */
final class Exporter {
    enum Scope { GLOBAL, FRONTEND, LISTENER, BACKEND, SERVER, STICKTABLE }

    /** The states of HAProxy's promex_srv_st, in its order. */
    private static final List<String> SERVER_STATES = List.of("DOWN", "UP", "MAINT", "DRAIN", "NOLB");
    /** The check statuses promex lists (those with a result, failed or passed), in HAProxy's enum order. */
    private static final List<String> CHECK_STATES = List.of("HANA", "SOCKERR", "L4OK", "L4TOUT", "L4CON", "L6OK",
            "L6TOUT", "L6RSP", "L7TOUT", "L7RSP", "L7OK", "L7OKC", "L7STS", "PROCERR", "PROCTOUT", "PROCOK");
    private static final List<String> CODES = List.of("1xx", "2xx", "3xx", "4xx", "5xx", "other");

    /** What a request asks for; null when its query string is invalid (HAProxy answers 400). */
    record Query(Set<Scope> scopes, boolean noMaint, boolean all) {
        static Query parse(String uri) {
            Map<String, List<String>> params = new QueryStringDecoder(uri).parameters();
            Set<Scope> scopes = EnumSet.allOf(Scope.class);
            boolean all = true;
            List<String> asked = params.get("scope");
            if (asked != null) {
                scopes = EnumSet.noneOf(Scope.class);
                all = false;
                for (String s : asked) {
                    if (s.equals("*")) {
                        scopes.addAll(EnumSet.allOf(Scope.class));
                    } else if (!s.isEmpty()) {
                        Scope scope = scope(s);
                        if (scope == null) {
                            return null;
                        }
                        scopes.add(scope);
                    }
                }
            }
            return new Query(scopes, params.containsKey("no-maint"), all);
        }

        private static Scope scope(String name) {
            for (Scope s : Scope.values()) {
                if (s.name().equalsIgnoreCase(name)) {
                    return s;
                }
            }
            return null;
        }
    }

    private final Runtime runtime;
    private final Query query;
    private final PromText out = new PromText();

    private Exporter(Runtime runtime, Query query) {
        this.runtime = runtime;
        this.query = query;
    }

    /** The exposition for {@code query}, read now. */
    static String scrape(Runtime runtime, Query query) {
        Exporter e = new Exporter(runtime, query);
        e.write();
        return e.out.toString();
    }

    private record Front(FrontendState fe, Map<String, String> row) {
    }

    private record Back(BackendState b, Map<String, String> row) {
    }

    private record Srv(BackendState b, ServerState s, Map<String, String> row) {
    }

    private void write() {
        if (query.scopes().contains(Scope.GLOBAL)) {
            process();
        }
        // Each object's row is read once per scrape (HAProxy walks its fields per object the same way), not once
        // per metric: a scrape of many servers stays short on the event loop that serves it.
        List<Front> fronts = new ArrayList<>();
        List<Back> backs = new ArrayList<>();
        List<Srv> servers = new ArrayList<>();
        for (String p : Proxies.declared(runtime)) {
            FrontendState fe = Proxies.frontend(runtime, p);
            if (fe != null && query.scopes().contains(Scope.FRONTEND)) {
                fronts.add(new Front(fe, StatsCsv.frontend(fe, fe.config().id(), runtime.maxconn())));
            }
            BackendState b = runtime.backend(p);
            if (b != null && query.scopes().contains(Scope.BACKEND)) {
                backs.add(new Back(b, StatsCsv.backend(b, b.config().id(), StatsCsv.fullconn(runtime, b))));
            }
            if (b != null && query.scopes().contains(Scope.SERVER)) {
                for (ServerState s : b.servers()) {
                    if (!(query.noMaint() && (s.admin() == ServerState.Admin.MAINT || !s.hasAddress()))) {
                        servers.add(new Srv(b, s, StatsCsv.server(b, s, b.config().id())));
                    }
                }
            }
        }
        // Listeners have metrics only with 'option socket-stats', which Bascule does not have; no stick tables.
        for (ExporterFields.Field f : ExporterFields.PROXY) {
            if (f.in('F') && !fronts.isEmpty()) {
                out.family("haproxy_frontend_" + f.name(), f.counter(), f.help());
                fronts.forEach(x -> frontend(f, x.fe(), x.row()));
            }
        }
        for (ExporterFields.Field f : ExporterFields.PROXY) {
            if (f.in('B') && !backs.isEmpty()) {
                out.family("haproxy_backend_" + f.name(), f.counter(), f.help());
                backs.forEach(x -> backend(f, x.b(), x.row()));
            }
        }
        for (ExporterFields.Field f : ExporterFields.PROXY) {
            if (f.in('S') && !servers.isEmpty()) {
                out.family("haproxy_server_" + f.name(), f.counter(), f.help());
                servers.forEach(x -> server(f, x.b(), x.s(), x.row()));
            }
        }
        if (query.all() && runtime.meterRegistry() instanceof PrometheusMeterRegistry own) {
            out.raw(own.scrape());
        }
    }

    private void process() {
        Map<String, String> info = ShowInfo.fields(runtime);
        for (ExporterFields.Info i : ExporterFields.PROCESS) {
            out.family("haproxy_process_" + i.name(), i.counter(), i.help());
            if (i.name().equals("build_info")) {
                out.sample(1, "version", info.get("Build info"));
            } else {
                out.sample(number(info.get(i.field())));
            }
        }
    }

    private void frontend(ExporterFields.Field f, FrontendState fe, Map<String, String> row) {
        String proxy = fe.name();
        boolean http = fe.config().mode() == Mode.HTTP;
        switch (f.column()) {
            case "status" -> {
                // promex_front_st: DOWN, UP; a frontend is UP until the process stops it.
                out.sample(fe.isStopping() ? 1 : 0, "proxy", proxy, "state", "DOWN");
                out.sample(fe.isStopping() ? 0 : 1, "proxy", proxy, "state", "UP");
            }
            case "req_rate_max", "req_tot", "intercepted", "cache_lookups", "cache_hits", "comp_in", "comp_out",
                 "comp_byp", "comp_rsp" -> {
                if (http) {
                    out.sample(number(row.get(f.column())), "proxy", proxy);
                }
            }
            default -> {
                if (!responses(f, row, http, "proxy", proxy)) {
                    out.sample(number(row.get(f.column())), "proxy", proxy);
                }
            }
        }
    }

    private void backend(ExporterFields.Field f, BackendState b, Map<String, String> row) {
        String proxy = b.name();
        boolean http = b.config().mode() == Mode.HTTP;
        switch (f.column()) {
            case "agg_server_status", "agg_server_check_status" -> {
                // The second is the first's former name, kept by HAProxy 2.6 beside it.
                if (!b.servers().isEmpty()) {
                    for (String state : SERVER_STATES) {
                        out.sample(b.servers().stream().filter(s -> state(s).equals(state)).count(),
                                "proxy", proxy, "state", state);
                    }
                }
            }
            case "agg_check_status" -> {
                if (!b.servers().isEmpty()) {
                    for (String state : CHECK_STATES) {
                        out.sample(b.servers().stream().filter(s -> checkStatus(s).name().equals(state))
                                .count(), "proxy", proxy, "state", state);
                    }
                }
            }
            case "status" -> {
                boolean up = row.get("status").equals("UP");
                out.sample(up ? 0 : 1, "proxy", proxy, "state", "DOWN");
                out.sample(up ? 1 : 0, "proxy", proxy, "state", "UP");
            }
            case "req_tot", "cache_lookups", "cache_hits", "comp_in", "comp_out", "comp_byp", "comp_rsp" -> {
                if (http) {
                    out.sample(number(row.get(f.column())), "proxy", proxy);
                }
            }
            default -> {
                if (!times(f, b.phaseTimes(), "proxy", proxy) && !responses(f, row, http, "proxy", proxy)) {
                    out.sample(number(row.get(f.column())), "proxy", proxy);
                }
            }
        }
    }

    private void server(ExporterFields.Field f, BackendState b, ServerState s, Map<String, String> row) {
        String proxy = b.name();
        String name = s.name();
        boolean checked = checked(s);
        CheckResult last = s.health().last();
        CheckStatus status = checkStatus(s);
        switch (f.column()) {
            case "status" -> {
                String state = state(s);
                for (String st : SERVER_STATES) {
                    out.sample(st.equals(state) ? 1 : 0, "proxy", proxy, "server", name, "state", st);
                }
            }
            case "check_status" -> {
                if (checked) {
                    for (String st : CHECK_STATES) {
                        out.sample(st.equals(status.name()) ? 1 : 0, "proxy", proxy, "server", name, "state", st);
                    }
                }
            }
            case "check_code" -> {
                if (checked) {
                    out.sample(status.layer7() ? last.code() : 0, "proxy", proxy, "server", name);
                }
            }
            case "check_duration" -> {
                if (status != CheckStatus.INI) {
                    out.sample(last.durationMs() / 1000.0, "proxy", proxy, "server", name);
                }
            }
            default -> {
                boolean http = b.config().mode() == Mode.HTTP;
                if (!times(f, s.phaseTimes(), "proxy", proxy, "server", name)
                        && !responses(f, row, http, "proxy", proxy, "server", name)) {
                    out.sample(number(row.get(f.column())), "proxy", proxy, "server", name);
                }
            }
        }
    }

    /** Checked and not paused ({@code disable health}): HAProxy's CHK_ST_ENABLED without CHK_ST_PAUSED. */
    private static boolean checked(ServerState s) {
        return s.config().check().enabled() && s.checksEnabled();
    }

    /** The last check's status, INI before the first. */
    private static CheckStatus checkStatus(ServerState s) {
        CheckResult last = s.health().last();
        return last == null ? CheckStatus.INI : last.status();
    }

    /**
     * The time averages and maxima, in seconds. The averages divide by 1024 whatever the samples seen, as HAProxy's
     * exporter does (its CSV divides by the samples seen while fewer): a young proxy's averages look small.
     */
    private boolean times(ExporterFields.Field f, PhaseTimes t, String... labels) {
        String c = f.column();
        PhaseTimes.Phase phase = switch (c.replace("_max", "")) {
            case "qtime" -> PhaseTimes.Phase.QUEUE;
            case "ctime" -> PhaseTimes.Phase.CONNECT;
            case "rtime" -> PhaseTimes.Phase.RESPONSE;
            case "ttime" -> PhaseTimes.Phase.TOTAL;
            default -> null;
        };
        if (phase == null) {
            return false;
        }
        long millis = c.endsWith("_max") ? t.max(phase) : t.exporterAverage(phase);
        out.sample(millis / 1000.0, labels);
        return true;
    }

    /** {@code http_responses_total{code="2xx"}}, one family for the six hrsp_* columns, HTTP proxies only. */
    private boolean responses(ExporterFields.Field f, Map<String, String> row, boolean http, String... labels) {
        if (!f.column().startsWith("hrsp_")) {
            return false;
        }
        if (http) {
            String code = f.column().substring(5);
            String[] withCode = java.util.Arrays.copyOf(labels, labels.length + 2);
            withCode[labels.length] = "code";
            withCode[labels.length + 1] = code;
            // The six columns are one family: its header comes once, before the 1xx samples.
            out.sample(number(row.get(f.column())), withCode);
        }
        return true;
    }

    /**
     * HAProxy's promex_srv_status: MAINT, else DRAIN or UP while the server runs, else DOWN. It follows the
     * operational state, not the page's words: an unchecked server is UP, and "UP 2/3" is UP. NOLB (soft-stop)
     * has no counterpart here.
     */
    static String state(ServerState s) {
        if (s.admin() == ServerState.Admin.MAINT || !s.hasAddress()) {
            return "MAINT";
        }
        if (ServersState.opState(s) == dev.bascule.core.state.ServerStateFormat.STOPPED) {
            return "DOWN";
        }
        return s.admin() == ServerState.Admin.DRAIN ? "DRAIN" : "UP";
    }

    /** A column's value as a number; NaN for an empty or textual one, as HAProxy's promex_metric_to_str. */
    private static double number(String v) {
        if (v == null || v.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
