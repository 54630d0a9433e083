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
import dev.bascule.core.RateCounter;
import dev.bascule.core.Runtime;
import dev.bascule.core.ServerState;
import dev.bascule.core.check.CheckResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * {@code show stat} in HAProxy's CSV (doc/management.txt, section 9.1): the header names the columns, rows
 * are FRONTEND, each server, then BACKEND, per proxy in configuration order. Columns 0 to 79 are written,
 * in HAProxy 2.6's order, so tools that read them by position keep working. The HTTP columns (hrsp_*,
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
            "conn_rate_max", "conn_tot");

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
            "MRP:u32", "MMP:u32", "MCP:u64");

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatsCsv() {
    }

    /** One row per frontend, server and backend, as ordered maps column -> value (for CSV and JSON). */
    public static List<Map<String, String>> rows(Runtime runtime) {
        return rows(runtime, proxy -> true);
    }

    /** The rows of the proxies {@code shown} accepts ({@code stats scope}); ids stay those of the whole list. */
    static List<Map<String, String>> rows(Runtime runtime, Predicate<String> shown) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String proxy : Proxies.declared(runtime)) {
            if (!shown.test(proxy)) {
                continue;
            }
            FrontendState f = Proxies.frontend(runtime, proxy);
            if (f != null) {
                rows.add(frontend(f, f.config().id()));
            }
            BackendState b = runtime.backend(proxy);
            if (b != null) {
                int iid = b.config().id();
                for (ServerState s : b.servers()) {
                    rows.add(server(b, s, iid));
                }
                rows.add(backend(b, iid));
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
            for (int i = 0; i < COLUMNS.size(); i++) {
                String value = row.getOrDefault(COLUMNS.get(i), "");
                if (!value.isEmpty()) {
                    out.append(object).append(i).append('.').append(COLUMNS.get(i)).append('.').append(row.get("pid"))
                            .append(':').append(TYPED.get(i)).append(':').append(value).append('\n');
                }
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
        return r;
    }

    private static Map<String, String> frontend(FrontendState f, int iid) {
        Map<String, String> r = row(f.name(), "FRONTEND", iid, 0, 0);
        r.put("scur", String.valueOf(f.sessionsCurrent()));
        r.put("smax", String.valueOf(f.sessionsMax()));
        r.put("slim", f.sessionsLimit() > 0 ? String.valueOf(f.sessionsLimit()) : "");
        r.put("stot", String.valueOf(f.sessionsTotal()));
        r.put("bin", String.valueOf(f.bytesIn()));
        r.put("bout", String.valueOf(f.bytesOut()));
        r.put("dreq", String.valueOf(f.deniedRequests()));
        r.put("dresp", "0");
        r.put("ereq", "0");
        r.put("status", "OPEN");
        rate(r, "rate", f.sessionRate());
        // HAProxy writes 0 when 'rate-limit sessions' is not set; Bascule does not limit the rate yet.
        r.put("rate_lim", "0");
        r.put("mode", f.config().mode().keyword());
        rate(r, "conn_rate", f.sessionRate());
        r.put("conn_tot", String.valueOf(f.sessionsTotal()));
        http(r, f.config().mode(), f.http(), true);
        return r;
    }

    private static Map<String, String> server(BackendState b, ServerState s, int iid) {
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
        r.put("dresp", "0");
        r.put("econ", String.valueOf(s.connectionErrors()));
        r.put("eresp", "0");
        r.put("wretr", String.valueOf(s.retries()));
        r.put("wredis", String.valueOf(s.redispatches()));
        r.put("status", status(s));
        r.put("weight", String.valueOf(s.weight()));
        r.put("act", s.backup() ? "0" : "1");
        r.put("bck", s.backup() ? "1" : "0");
        r.put("lastchg", String.valueOf(seconds(s.health().lastChangeNanos())));
        r.put("lbtot", String.valueOf(s.totalSessions()));
        rate(r, "rate", s.sessionRate());
        r.put("mode", b.config().mode().keyword());
        http(r, b.config().mode(), s.http(), false);
        r.put("addr", address(c.address()));
        r.put("cookie", c.cookie() == null ? "" : c.cookie());
        if (c.check().enabled()) {
            r.put("chkfail", String.valueOf(s.health().failedChecks()));
            r.put("chkdown", String.valueOf(s.health().downTransitions()));
            r.put("downtime", String.valueOf(s.health().downMillis() / 1000));
            CheckResult last = s.health().last();
            if (last != null) {
                r.put("check_status", last.status().name());
                r.put("check_code", last.code() != 0 ? String.valueOf(last.code()) : "");
                r.put("check_duration", String.valueOf(last.durationMs()));
                r.put("check_desc", last.status().description());
                r.put("last_chk", Objects.toString(last.info(), ""));
            }
            r.put("check_rise", String.valueOf(c.check().rise()));
            r.put("check_fall", String.valueOf(c.check().fall()));
            r.put("check_health", String.valueOf(s.health().counter()));
        }
        long sinceUp = s.health().wentUpNanos();
        long slowstart = c.check().slowstartMs();
        if (slowstart > 0 && sinceUp != Long.MIN_VALUE && (System.nanoTime() - sinceUp) / 1_000_000 < slowstart) {
            r.put("throttle", String.valueOf((System.nanoTime() - sinceUp) / 1_000_000 * 100 / slowstart));
        }
        return r;
    }

    private static Map<String, String> backend(BackendState b, int iid) {
        Backend c = b.config();
        Map<String, String> r = row(b.name(), "BACKEND", iid, 0, 1);
        List<ServerState> servers = b.servers();
        // The backend row counts both its own queue and its servers' (HAProxy's px->totpend).
        r.put("qcur", String.valueOf(b.queued() + b.servers().stream().mapToInt(x -> x.queue().length()).sum()));
        r.put("qmax", String.valueOf(b.maxQueued()));
        r.put("scur", String.valueOf(servers.stream().mapToInt(ServerState::currentSessions).sum()));
        r.put("smax", String.valueOf(servers.stream().mapToInt(ServerState::maxSessions).max().orElse(0)));
        r.put("stot", String.valueOf(b.sessionsTotal()));
        r.put("bin", String.valueOf(servers.stream().mapToLong(ServerState::bytesIn).sum()));
        r.put("bout", String.valueOf(servers.stream().mapToLong(ServerState::bytesOut).sum()));
        r.put("dreq", "0");
        r.put("dresp", "0");
        r.put("econ", String.valueOf(servers.stream().mapToLong(ServerState::connectionErrors).sum()));
        r.put("eresp", "0");
        r.put("wretr", String.valueOf(servers.stream().mapToLong(ServerState::retries).sum()));
        r.put("wredis", String.valueOf(servers.stream().mapToLong(ServerState::redispatches).sum()));
        boolean up = servers.stream().anyMatch(ServerState::usable);
        r.put("status", up ? "UP" : "DOWN");
        r.put("weight", String.valueOf(servers.stream().filter(ServerState::usable).mapToInt(ServerState::weight)
                .sum()));
        r.put("act", String.valueOf(servers.stream().filter(s -> !s.backup() && s.usable()).count()));
        r.put("bck", String.valueOf(servers.stream().filter(s -> s.backup() && s.usable()).count()));
        r.put("chkdown", String.valueOf(servers.stream().mapToLong(s -> s.health().downTransitions()).sum()));
        r.put("lastchg", String.valueOf(servers.stream().mapToLong(s -> seconds(s.health().lastChangeNanos()))
                .min().orElse(0)));
        r.put("downtime", up ? "0" : "");
        r.put("lbtot", String.valueOf(servers.stream().mapToLong(ServerState::totalSessions).sum()));
        rate(r, "rate", b.sessionRate());
        http(r, c.mode(), b.http(), true);
        r.put("qtime", String.valueOf(b.timings().queueMillis()));
        r.put("ctime", String.valueOf(b.timings().connectMillis()));
        r.put("rtime", "0");
        r.put("ttime", String.valueOf(b.timings().totalMillis()));
        r.put("mode", c.mode().keyword());
        r.put("algo", c.balance().algorithm().replaceAll("\\(.*", ""));
        return r;
    }

    /** HAProxy's words: UP, "UP 2/3", DOWN, "DOWN 1/2", MAINT, DRAIN, "no check". */
    static String status(ServerState s) {
        if (s.admin() == ServerState.Admin.MAINT) {
            return "MAINT";
        }
        // 'disable health' leaves the server unchecked, considered UP, as HAProxy shows it.
        if (!s.checksEnabled() || !s.config().check().enabled() && s.config().check().agent() == null) {
            return s.admin() == ServerState.Admin.DRAIN ? "DRAIN" : "no check";
        }
        String health = s.health().status();
        return s.admin() == ServerState.Admin.DRAIN && s.health().up() ? "DRAIN" : health;
    }

    private static String address(Address a) {
        return a.family() == Address.Family.INET ? a.toString() : "";
    }

    private static long seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000_000L;
    }

    /** For tests and tools: the CSV line split into its columns. */
    static List<String> split(String line) {
        return Arrays.asList(line.split(",", -1));
    }
}
