package dev.bascule.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bascule.config.model.Address;
import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Mode;
import dev.bascule.config.model.Server;
import dev.bascule.core.BackendState;
import dev.bascule.core.FrontendState;
import dev.bascule.core.HttpCounters;
import dev.bascule.core.PhaseTimes;
import dev.bascule.core.ProxyCounters;
import dev.bascule.core.RateCounter;
import dev.bascule.core.Runtime;
import dev.bascule.core.ServerState;
import dev.bascule.core.check.CheckResult;
import dev.bascule.core.check.CheckStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * {@code show stat} in HAProxy's CSV (doc/management.txt, section 9.1): the header names the columns, rows
 * are FRONTEND, each server, then BACKEND, per proxy in configuration order. HAProxy 2.6's columns are written,
 * in its order, so tools that read them by position keep working. The HTTP columns (hrsp_*,
 * req_tot, req_rate) are filled for {@code mode http} proxies and left empty for TCP ones, as HAProxy does. The
 * rates are HAProxy's: events over the last second, sliding, and the busiest second so far.
 */
public final class StatsCsv {
    static final List<String> COLUMNS = List.of("pxname", "svname", "qcur", "qmax", "scur", "smax", "slim",
            "stot", "bin", "bout", "dreq", "dresp", "ereq", "econ", "eresp", "wretr", "wredis", "status", "weight",
            "act", "bck", "chkfail", "chkdown", "lastchg", "downtime", "qlimit", "pid", "iid", "sid", "throttle",
            "lbtot", "tracked", "type", "rate", "rate_lim", "rate_max", "check_status", "check_code",
            "check_duration", "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other", "hanafail",
            "req_rate", "req_rate_max", "req_tot", "cli_abrt", "srv_abrt", "comp_in", "comp_out", "comp_byp",
            "comp_rsp", "lastsess", "last_chk", "last_agt", "qtime", "ctime", "rtime", "ttime", "agent_status",
            "agent_code", "agent_duration", "check_desc", "agent_desc", "check_rise", "check_fall", "check_health",
            "agent_rise", "agent_fall", "agent_health", "addr", "cookie", "mode", "algo", "conn_rate",
            "conn_rate_max", "conn_tot", "intercepted", "dcon", "dses", "wrew", "connect", "reuse", "cache_lookups",
            "cache_hits", "srv_icur", "src_ilim", "qtime_max", "ctime_max", "rtime_max", "ttime_max", "eint",
            "idle_conn_cur", "safe_conn_cur", "used_conn_cur", "need_conn_est", "uweight", "agg_server_status",
            "agg_server_check_status", "agg_check_status", "-", "ssl_sess", "ssl_reused_sess", "ssl_failed_handshake",
            "h2_headers_rcvd", "h2_data_rcvd", "h2_settings_rcvd", "h2_rst_stream_rcvd", "h2_goaway_rcvd",
            "h2_detected_conn_protocol_errors", "h2_detected_strm_protocol_errors", "h2_rst_stream_resp",
            "h2_goaway_resp", "h2_open_connections", "h2_backend_open_streams", "h2_total_connections",
            "h2_backend_total_streams", "h1_open_connections", "h1_open_streams", "h1_total_connections",
            "h1_total_streams", "h1_bytes_in", "h1_bytes_out", "h1_spliced_bytes_in", "h1_spliced_bytes_out");

    /**
     * Each column's tags in HAProxy's typed output (origin, nature, scope: doc/management.txt, "typed output
     * format") and its type, in column order.
     */
    private static final List<String> TYPED = List.of("KNS:str", "KNS:str", "MGP:u32", "MMP:u32", "MGP:u32",
            "MMP:u32", "CLP:u32", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64",
            "MCP:u64", "MCP:u64", "MCP:u64", "SGP:str", "MaP:u32", "MGP:u32", "MGP:u32", "MCP:u64", "MCP:u64",
            "MAP:u32", "MCP:u32", "CGS:u32", "KGP:u32", "KGS:u32", "KGS:u32", "MaP:u32", "MCP:u64", "CNS:str",
            "CGS:u32", "MRP:u32", "CLP:u32", "MMP:u32", "MOP:str", "MOP:u32", "MDP:u64", "MCP:u64", "MCP:u64",
            "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MRP:u32", "MMP:u32", "MCP:u64", "MCP:u64",
            "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MAP:s32", "MOP:str", "MOP:str", "MaP:u32",
            "MaP:u32", "MaP:u32", "MaP:u32", "MOP:str", "MOP:u32", "MDP:u64", "MOP:str", "MOP:str", "CGS:u32",
            "CGS:u32", "CGS:u32", "CGS:u32", "CGS:u32", "CGS:u32", "CGS:str", "CNS:str", "CGS:str", "CGS:str",
            "MRP:u32", "MMP:u32", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64",
            "MCP:u64", "MCP:u64", "MGP:u32", "CLP:u32", "MMP:u32", "MMP:u32", "MMP:u32", "MMP:u32", "MCP:u64",
            "MGP:u32", "MGP:u32", "MGP:u32", "MGP:u32", "MaP:u32", "MGP:u32", "MGP:u32", "MGP:u32", "",
            "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64",
            "MCP:u64", "MCP:u64", "MCP:u64", "MGP:u64", "MGP:u64", "MCP:u64", "MCP:u64", "MGP:u64", "MGP:u64",
            "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64", "MCP:u64");

    /**
     * HAProxy's CSV separates the proxies' columns from its modules' (SSL, H2, H1 muxes) by a column named "-" whose
     * value is "-"; the typed output has no such field.
     */
    static final String MODULES = "-";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatsCsv() {
    }

    /** One row per frontend, server and backend, as ordered maps column -> value (for CSV and JSON). */
    public static List<Map<String, String>> rows(Runtime runtime) {
        return rows(runtime, proxy -> true);
    }

    /**
     * The rows of the proxies {@code shown} accepts ({@code stats scope}); ids stay those of the whole list.
     *
     * @param legends with the servers' addresses and cookies and the backends' algorithms, which HAProxy shows
     *                only with {@code stats show-legends} or on the CLI at level operator or admin
     */
    static List<Map<String, String>> rows(Runtime runtime, Predicate<String> shown, boolean legends) {
        List<Map<String, String>> rows = rows(runtime, shown);
        if (!legends) {
            for (Map<String, String> r : rows) {
                r.remove("addr");
                r.remove("cookie");
                r.remove("algo");
            }
        }
        return rows;
    }

    private static List<Map<String, String>> rows(Runtime runtime, Predicate<String> shown) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String proxy : Proxies.declared(runtime)) {
            if (!shown.test(proxy)) {
                continue;
            }
            FrontendState f = Proxies.frontend(runtime, proxy);
            if (f != null) {
                rows.add(frontend(f, f.config().id(), runtime.maxconn()));
            }
            BackendState b = runtime.backend(proxy);
            if (b != null) {
                int iid = b.config().id();
                for (ServerState s : b.servers()) {
                    rows.add(server(b, s, iid));
                }
                rows.add(backend(b, iid, fullconn(runtime, b)));
            }
        }
        return rows;
    }

    public static String csv(Runtime runtime) {
        return csv(rows(runtime));
    }

    static String csv(List<Map<String, String>> rows) {
        StringBuilder out = new StringBuilder("# ").append(String.join(",", COLUMNS)).append(",\n");
        for (Map<String, String> row : rows) {
            for (String c : COLUMNS) {
                out.append(row.getOrDefault(c, "")).append(',');
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** {@code show stat json}, {@code ;json}: the rows as an array of objects, columns as keys. */
    static String json(List<Map<String, String>> rows) {
        try {
            return JSON.writeValueAsString(rows) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code show stat typed}, {@code ;typed}: a line per non-empty field, {@code <obj>.<iid>.<sid>.<position>.
     * <name>.<process>:<tags>:<type>:<value>}, the object being F (frontend), B (backend) or S (server).
     */
    static String typed(List<Map<String, String>> rows) {
        StringBuilder out = new StringBuilder();
        for (Map<String, String> row : rows) {
            String object = "FBS".charAt(Integer.parseInt(row.get("type"))) + "." + row.get("iid") + "."
                    + row.get("sid") + ".";
            int position = 0;
            for (int i = 0; i < COLUMNS.size(); i++) {
                if (COLUMNS.get(i).equals(MODULES)) {
                    continue;
                }
                String value = row.getOrDefault(COLUMNS.get(i), "");
                if (!value.isEmpty()) {
                    out.append(object).append(position).append('.').append(COLUMNS.get(i)).append('.')
                            .append(row.get("pid")).append(':').append(TYPED.get(i)).append(':').append(value)
                            .append('\n');
                }
                position++;
            }
        }
        return out.toString();
    }

    /** HAProxy fills hrsp_* (and req_tot for proxies, req_rate for frontends) only in HTTP mode. */
    private static void http(Map<String, String> r, Mode mode, HttpCounters http, boolean requests) {
        if (mode != Mode.HTTP) {
            return;
        }
        for (int i = 0; i < HttpCounters.CLASSES.length; i++) {
            r.put("hrsp_" + HttpCounters.CLASSES[i], String.valueOf(http.responses(i)));
        }
        if (requests) {
            r.put("req_tot", String.valueOf(http.requests()));
        }
        if (http.requestRate() != null) {
            rate(r, "req_rate", http.requestRate());
        }
    }

    /** A rate column and its {@code _max}. */
    private static void rate(Map<String, String> r, String column, RateCounter rate) {
        r.put(column, String.valueOf(rate.rate()));
        r.put(column + "_max", String.valueOf(rate.max()));
    }

    private static Map<String, String> row(String pxname, String svname, int iid, int sid, int type) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("pxname", pxname);
        r.put("svname", svname);
        r.put("pid", "1");
        r.put("iid", String.valueOf(iid));
        r.put("sid", String.valueOf(sid));
        r.put("type", String.valueOf(type));
        r.put(MODULES, MODULES);
        // No TLS and no HTTP/2 in Bascule: HAProxy's modules count 0 for those.
        for (String c : List.of("ssl_sess", "ssl_reused_sess", "ssl_failed_handshake")) {
            r.put(c, "0");
        }
        return r;
    }

    static Map<String, String> frontend(FrontendState f, int iid, int globalMaxconn) {
        Map<String, String> r = row(f.name(), "FRONTEND", iid, 0, 0);
        ProxyCounters n = f.counters();
        r.put("scur", String.valueOf(f.sessionsCurrent()));
        r.put("smax", String.valueOf(f.sessionsMax()));
        // A frontend without maxconn is bounded by the global one, which HAProxy shows as its limit.
        int limit = f.sessionsLimit() > 0 ? f.sessionsLimit() : globalMaxconn;
        r.put("slim", limit > 0 ? String.valueOf(limit) : "");
        r.put("stot", String.valueOf(f.sessionsTotal()));
        r.put("bin", String.valueOf(f.bytesIn()));
        r.put("bout", String.valueOf(f.bytesOut()));
        r.put("dreq", String.valueOf(n.deniedRequests()));
        r.put("dresp", String.valueOf(n.deniedResponses()));
        r.put("ereq", String.valueOf(n.invalidRequests()));
        r.put("dcon", String.valueOf(n.deniedConnections()));
        r.put("dses", String.valueOf(n.deniedSessions()));
        r.put("status", f.isStopping() ? "STOP" : "OPEN");
        rate(r, "rate", f.sessionRate());
        // HAProxy writes 0 when 'rate-limit sessions' is not set; Bascule does not limit the rate yet.
        r.put("rate_lim", "0");
        r.put("wrew", String.valueOf(n.failedRewrites()));
        r.put("eint", String.valueOf(n.internalErrors()));
        r.put("mode", f.config().mode().keyword());
        rate(r, "conn_rate", f.sessionRate());
        r.put("conn_tot", String.valueOf(f.sessionsTotal()));
        http(r, f.config().mode(), f.http(), true);
        boolean http = f.config().mode() == Mode.HTTP;
        if (http) {
            r.put("intercepted", String.valueOf(n.intercepted()));
            noCacheNorCompression(r);
        }
        muxes(r, http, f.sessionsCurrent(), f.sessionsCurrent(), f.sessionsTotal(), f.http().requests(), f.bytesIn(),
                f.bytesOut());
        return r;
    }

    /**
     * The H2 and H1 muxes' columns of a frontend or backend row. There is no HTTP/2 (0). The H1 ones: connections
     * open and made, transactions, and bytes on the wire (received, sent) on that side; HAProxy's also count the
     * health checks' connections on a backend, these do not.
     */
    private static void muxes(Map<String, String> r, boolean http, long open, long streamsOpen, long connections,
                              long streams, long in, long out) {
        for (String c : List.of("h2_headers_rcvd", "h2_data_rcvd", "h2_settings_rcvd", "h2_rst_stream_rcvd",
                "h2_goaway_rcvd", "h2_detected_conn_protocol_errors", "h2_detected_strm_protocol_errors",
                "h2_rst_stream_resp", "h2_goaway_resp", "h2_open_connections", "h2_backend_open_streams",
                "h2_total_connections", "h2_backend_total_streams", "h1_spliced_bytes_in", "h1_spliced_bytes_out")) {
            r.put(c, "0");
        }
        long[] h1 = http ? new long[] {open, streamsOpen, connections, streams, in, out} : new long[6];
        String[] names = {"h1_open_connections", "h1_open_streams", "h1_total_connections", "h1_total_streams",
                "h1_bytes_in", "h1_bytes_out"};
        for (int i = 0; i < names.length; i++) {
            r.put(names[i], String.valueOf(h1[i]));
        }
    }

    /** No cache nor compression in Bascule: HAProxy's counters for them stay at 0 (filled in HTTP mode). */
    private static void noCacheNorCompression(Map<String, String> r) {
        for (String c : List.of("cache_lookups", "cache_hits", "comp_in", "comp_out", "comp_byp", "comp_rsp")) {
            r.put(c, "0");
        }
    }

    /** The counters a backend and a server both show. */
    private static void common(Map<String, String> r, ProxyCounters n, PhaseTimes t, long samples, long lastsess) {
        r.put("dresp", String.valueOf(n.deniedResponses()));
        r.put("eresp", String.valueOf(n.invalidResponses()));
        r.put("wrew", String.valueOf(n.failedRewrites()));
        r.put("eint", String.valueOf(n.internalErrors()));
        r.put("connect", String.valueOf(n.connectAttempts()));
        r.put("reuse", String.valueOf(n.reuses()));
        r.put("cli_abrt", String.valueOf(n.clientAborts()));
        r.put("srv_abrt", String.valueOf(n.serverAborts()));
        r.put("lastsess", String.valueOf(lastsess));
        String[] names = {"qtime", "ctime", "rtime", "ttime"};
        for (PhaseTimes.Phase p : PhaseTimes.Phase.values()) {
            r.put(names[p.ordinal()], String.valueOf(t.average(p, samples)));
            r.put(names[p.ordinal()] + "_max", String.valueOf(t.max(p)));
        }
    }

    static Map<String, String> server(BackendState b, ServerState s, int iid) {
        Server c = s.config();
        Map<String, String> r = row(b.name(), s.name(), iid, s.config().id(), 2);
        r.put("qcur", String.valueOf(s.queue().length()));
        r.put("qmax", String.valueOf(s.queue().max()));
        r.put("qlimit", c.maxqueue() > 0 ? String.valueOf(c.maxqueue()) : "");
        r.put("scur", String.valueOf(s.currentSessions()));
        r.put("smax", String.valueOf(s.maxSessions()));
        r.put("slim", s.maxconn() > 0 ? String.valueOf(s.maxconn()) : "");
        r.put("stot", String.valueOf(s.totalSessions()));
        r.put("bin", String.valueOf(s.bytesIn()));
        r.put("bout", String.valueOf(s.bytesOut()));
        r.put("econ", String.valueOf(s.connectionErrors()));
        r.put("wretr", String.valueOf(s.retries()));
        r.put("wredis", String.valueOf(s.redispatches()));
        common(r, s.counters(), s.phaseTimes(), s.totalSessions(), s.secondsSinceLastSession());
        r.put("status", status(s));
        r.put("weight", String.valueOf(s.weight()));
        r.put("uweight", String.valueOf(s.config().weight()));
        r.put("act", s.backup() ? "0" : "1");
        r.put("bck", s.backup() ? "1" : "0");
        r.put("lastchg", String.valueOf(seconds(s.health().lastChangeNanos())));
        r.put("lbtot", String.valueOf(s.loadBalancedTotal()));
        rate(r, "rate", s.sessionRate());
        r.put("mode", b.config().mode().keyword());
        http(r, b.config().mode(), s.http(), true);
        r.put("addr", address(s));
        r.put("cookie", c.cookie() == null ? "" : c.cookie());
        int idle = s.idleSafe() + s.idleUnsafe();
        r.put("srv_icur", String.valueOf(idle));
        r.put("idle_conn_cur", String.valueOf(s.idleUnsafe()));
        r.put("safe_conn_cur", String.valueOf(s.idleSafe()));
        // Server connections in use: one per session being served (HTTP: the transaction holds its connection).
        r.put("used_conn_cur", String.valueOf(s.currentSessions()));
        // HAProxy's estimate of the connections it will need: those in use and idle, at least.
        r.put("need_conn_est", String.valueOf(s.currentSessions() + idle));
        if (c.check().enabled()) {
            r.put("chkfail", String.valueOf(s.health().failedChecks()));
            r.put("chkdown", String.valueOf(s.health().downTransitions()));
            r.put("downtime", String.valueOf(s.health().downMillis() / 1000));
            if (s.checksEnabled()) {
                check(r, s);
            }
        }
        long sinceUp = s.health().wentUpNanos();
        long slowstart = c.check().slowstartMs();
        if (slowstart > 0 && sinceUp != Long.MIN_VALUE && (System.nanoTime() - sinceUp) / 1_000_000 < slowstart) {
            r.put("throttle", String.valueOf((System.nanoTime() - sinceUp) / 1_000_000 * 100 / slowstart));
        }
        return r;
    }

    /**
     * The last check's columns, for a server whose checks run (not paused by {@code disable health}), as
     * stats_fill_sv_stats writes them: the code only for a layer 7 outcome, the duration once a check ended.
     */
    private static void check(Map<String, String> r, ServerState s) {
        Server c = s.config();
        CheckResult last = s.health().last();
        CheckStatus status = last == null ? CheckStatus.INI : last.status();
        r.put("check_status", status.name());
        if (last != null && status.layer7()) {
            r.put("check_code", String.valueOf(last.code()));
        }
        if (last != null && status != CheckStatus.INI) {
            r.put("check_duration", String.valueOf(last.durationMs()));
        }
        r.put("check_desc", status.description());
        // HAProxy's check.desc: what went wrong ("Connection refused", the status's reason); nothing for a pass.
        r.put("last_chk", last == null || status.passed() ? "" : Objects.toString(last.info(), ""));
        r.put("check_rise", String.valueOf(c.check().rise()));
        r.put("check_fall", String.valueOf(c.check().fall()));
        r.put("check_health", String.valueOf(s.health().counter()));
    }

    static Map<String, String> backend(BackendState b, int iid, int fullconn) {
        Backend c = b.config();
        Map<String, String> r = row(b.name(), "BACKEND", iid, 0, 1);
        List<ServerState> servers = b.servers();
        // The backend row counts both its own queue and its servers' (HAProxy's px->totpend).
        r.put("qcur", String.valueOf(b.queued() + b.servers().stream().mapToInt(x -> x.queue().length()).sum()));
        r.put("qmax", String.valueOf(b.maxQueued()));
        r.put("scur", String.valueOf(servers.stream().mapToInt(ServerState::currentSessions).sum()));
        r.put("smax", String.valueOf(servers.stream().mapToInt(ServerState::maxSessions).max().orElse(0)));
        r.put("slim", String.valueOf(fullconn));
        r.put("stot", String.valueOf(b.streamsTotal()));
        r.put("bin", String.valueOf(b.bytesIn()));
        r.put("bout", String.valueOf(b.bytesOut()));
        r.put("dreq", String.valueOf(b.counters().deniedRequests()));
        r.put("econ", String.valueOf(servers.stream().mapToLong(ServerState::connectionErrors).sum()
                + b.counters().connectionErrors()));
        r.put("wretr", String.valueOf(servers.stream().mapToLong(ServerState::retries).sum()));
        r.put("wredis", String.valueOf(servers.stream().mapToLong(ServerState::redispatches).sum()));
        long samples = c.mode() == Mode.HTTP ? b.http().requests() : b.sessionsTotal();
        long lastsess = servers.stream().mapToLong(ServerState::secondsSinceLastSession).filter(x -> x >= 0).min()
                .orElse(-1);
        common(r, b.counters(), b.phaseTimes(), samples, lastsess);
        int weight = servers.stream().filter(ServerState::usable).mapToInt(ServerState::weight).sum();
        r.put("status", weight > 0 || servers.isEmpty() ? "UP" : "DOWN");
        // Always 0 in HAProxy 2.6's CSV; the exporter's metrics of these names count the servers per state.
        for (String agg : List.of("agg_server_status", "agg_server_check_status", "agg_check_status")) {
            r.put(agg, "0");
        }
        r.put("weight", String.valueOf(weight));
        r.put("uweight", String.valueOf(servers.stream().filter(ServerState::usable)
                .mapToInt(s -> s.config().weight()).sum()));
        r.put("act", String.valueOf(servers.stream().filter(s -> !s.backup() && s.usable()).count()));
        r.put("bck", String.valueOf(servers.stream().filter(s -> s.backup() && s.usable()).count()));
        r.put("chkdown", String.valueOf(servers.stream().mapToLong(s -> s.health().downTransitions()).sum()));
        r.put("lastchg", String.valueOf(servers.stream().mapToLong(s -> seconds(s.health().lastChangeNanos()))
                .min().orElse(0)));
        if (!servers.isEmpty()) {
            // HAProxy's be_downtime is the time the backend had no server; it is at most the least down of its
            // servers' times, which is exact for one server and for servers that go down together.
            r.put("downtime", String.valueOf(servers.stream().mapToLong(s -> s.health().downMillis() / 1000).min()
                    .orElse(0)));
        }
        r.put("lbtot", String.valueOf(servers.stream().mapToLong(ServerState::loadBalancedTotal).sum()));
        rate(r, "rate", b.sessionRate());
        http(r, c.mode(), b.http(), true);
        boolean http = c.mode() == Mode.HTTP;
        if (http) {
            noCacheNorCompression(r);
        }
        int inUse = servers.stream().mapToInt(ServerState::currentSessions).sum();
        int idle = servers.stream().mapToInt(x -> x.idleSafe() + x.idleUnsafe()).sum();
        muxes(r, http, inUse + idle, inUse, b.counters().connectAttempts(), b.http().requests(),
                servers.stream().mapToLong(ServerState::bytesOut).sum(),
                servers.stream().mapToLong(ServerState::bytesIn).sum());
        r.put("mode", c.mode().keyword());
        r.put("algo", c.balance().algorithm().replaceAll("\\(.*", ""));
        return r;
    }

    /**
     * HAProxy's default {@code fullconn} (the backend's slim): a tenth of the maxconn of the frontends that use it,
     * at least 1, a frontend without maxconn counting the global one.
     */
    static int fullconn(Runtime runtime, BackendState b) {
        long total = 0;
        for (FrontendState f : runtime.frontends()) {
            if (b.name().equals(f.config().defaultBackend()) || f.name().equals(b.name())) {
                total += f.sessionsLimit() > 0 ? f.sessionsLimit() : runtime.maxconn();
            }
        }
        return (int) Math.max(1, (total + 9) / 10);
    }

    /** HAProxy's words: UP, "UP 2/3", DOWN, "DOWN 1/2", MAINT, "MAINT (resolution)", DRAIN, "no check". */
    static String status(ServerState s) {
        if (s.admin() == ServerState.Admin.MAINT) {
            return "MAINT";
        }
        if (!s.hasAddress()) {
            return "MAINT (resolution)";
        }
        // 'disable health' leaves the server unchecked, considered UP, as HAProxy shows it.
        if (!s.checksEnabled() || !s.config().check().enabled() && s.config().check().agent() == null) {
            return s.admin() == ServerState.Admin.DRAIN ? "DRAIN" : "no check";
        }
        String health = s.health().status();
        return s.admin() == ServerState.Admin.DRAIN && s.health().up() ? "DRAIN" : health;
    }

    /** Where a TCP server is reached now, as HAProxy shows it (the IP its name resolved to); empty without one. */
    private static String address(ServerState s) {
        if (s.address().family() != Address.Family.INET || s.host() == null) {
            return "";
        }
        String ip = s.host().getHostAddress();
        String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
        return s.port() == dev.bascule.config.model.Server.SAME_PORT ? host : host + ":" + s.port();
    }

    private static long seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000_000L;
    }

    /** For tests and tools: the CSV line split into its columns. */
    static List<String> split(String line) {
        return Arrays.asList(line.split(",", -1));
    }
}
