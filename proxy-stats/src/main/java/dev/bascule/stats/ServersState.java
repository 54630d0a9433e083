package dev.bascule.stats;

import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.core.BackendState;
import dev.bascule.core.Runtime;
import dev.bascule.core.ServerState;
import dev.bascule.core.check.CheckResult;
import dev.bascule.core.check.CheckStatus;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;

/**
 * {@code show servers state}: HAProxy 2.6's format 1 (doc/management.txt), a version line, the column names,
 * then one line per server with HAProxy's numbers for its states, so that a saved dump reads like HAProxy's.
 */
final class ServersState {
    static final List<String> COLUMNS = List.of("be_id", "be_name", "srv_id", "srv_name", "srv_addr",
            "srv_op_state", "srv_admin_state", "srv_uweight", "srv_iweight", "srv_time_since_last_change",
            "srv_check_status", "srv_check_result", "srv_check_health", "srv_check_state", "srv_agent_state",
            "bk_f_forced_id", "srv_f_forced_id", "srv_fqdn", "srv_port", "srvrecord", "srv_use_ssl",
            "srv_check_port", "srv_check_addr", "srv_agent_addr", "srv_agent_port");

    // srv_op_state (SRV_ST_*); STOPPING (3, soft-stop on a 404) has no counterpart here.
    static final int STOPPED = 0;
    static final int STARTING = 1;
    static final int RUNNING = 2;
    // srv_admin_state bits (SRV_ADMF_*).
    static final int FMAINT = 0x01;
    static final int CMAINT = 0x04;
    static final int FDRAIN = 0x08;
    // srv_check_result (CHK_RES_*).
    static final int RES_UNKNOWN = 0;
    static final int RES_FAILED = 2;
    static final int RES_PASSED = 3;
    static final int RES_CONDPASS = 4;
    // srv_check_state and srv_agent_state bits (CHK_ST_*).
    static final int CONFIGURED = 0x02;
    static final int ENABLED = 0x04;
    static final int PAUSED = 0x08;
    static final int AGENT = 0x10;

    /** HAProxy's HCHK_STATUS_* numbers (its enum's order, which has entries Bascule never reports). */
    private static final Map<CheckStatus, Integer> STATUS = Map.ofEntries(Map.entry(CheckStatus.INI, 1),
            Map.entry(CheckStatus.HANA, 4), Map.entry(CheckStatus.SOCKERR, 5), Map.entry(CheckStatus.L4OK, 6),
            Map.entry(CheckStatus.L4TOUT, 7), Map.entry(CheckStatus.L4CON, 8), Map.entry(CheckStatus.L6OK, 9),
            Map.entry(CheckStatus.L6TOUT, 10), Map.entry(CheckStatus.L6RSP, 11), Map.entry(CheckStatus.L7TOUT, 12),
            Map.entry(CheckStatus.L7RSP, 13), Map.entry(CheckStatus.L7OK, 15), Map.entry(CheckStatus.L7OKC, 16),
            Map.entry(CheckStatus.L7STS, 17));

    private ServersState() {
    }

    /** The dump for every backend, or for {@code only}; an unknown backend gets HAProxy's error. */
    static String dump(Runtime runtime, String only) {
        if (only != null && runtime.backend(only) == null) {
            return "Can't find backend.\n";
        }
        ProxyIds ids = ProxyIds.of(runtime);
        StringBuilder out = new StringBuilder("1\n# ").append(String.join(" ", COLUMNS)).append('\n');
        for (String proxy : ids.proxies()) {
            BackendState b = runtime.backend(proxy);
            if (b == null || only != null && !only.equals(proxy)) {
                continue;
            }
            for (ServerState s : b.servers()) {
                out.append(ids.proxy(proxy)).append(' ').append(proxy).append(' ')
                        .append(line(s, ids.proxyForced(proxy))).append('\n');
            }
        }
        return out.toString();
    }

    /** The columns from srv_id on. */
    private static String line(ServerState s, boolean backendForced) {
        Server c = s.config();
        ServerCheck check = c.check();
        ServerCheck.Agent agent = check.agent();
        CheckResult last = s.health().last();
        return String.join(" ", String.valueOf(ProxyIds.server(s)), s.name(), address(s),
                String.valueOf(opState(s)), String.valueOf(adminState(s)), String.valueOf(s.weight()),
                String.valueOf(c.weight()),
                String.valueOf((System.nanoTime() - s.health().lastChangeNanos()) / 1_000_000_000L),
                String.valueOf(last != null ? STATUS.getOrDefault(last.status(), 0) : check.enabled() ? 1 : 0),
                String.valueOf(result(last)), String.valueOf(s.health().counter()),
                String.valueOf(check.enabled() ? checkState(s, s.checksEnabled()) : 0),
                String.valueOf(agent != null ? AGENT | checkState(s, true) : 0),
                backendForced ? "1" : "0", ProxyIds.serverForced(s) ? "1" : "0", fqdn(s),
                String.valueOf(Math.max(0, c.address().port())), "-", "0", String.valueOf(check.port()),
                check.addr() != null ? check.addr() : "-",
                agent != null && agent.addr() != null ? agent.addr() : "-",
                String.valueOf(agent != null ? agent.port() : 0));
    }

    /** Maintenance stops a server; an unchecked one runs; slowstart is STARTING until the ramp ends. */
    static int opState(ServerState s) {
        if (s.admin() == ServerState.Admin.MAINT) {
            return STOPPED;
        }
        boolean checked = s.checksEnabled() && (s.config().check().enabled() || s.config().check().agent() != null);
        if (checked && !s.health().up()) {
            return STOPPED;
        }
        long slowstart = s.config().check().slowstartMs();
        long wentUp = s.health().wentUpNanos();
        boolean ramping = slowstart > 0 && wentUp != Long.MIN_VALUE
                && (System.nanoTime() - wentUp) / 1_000_000 < slowstart;
        return ramping ? STARTING : RUNNING;
    }

    /** A server {@code disabled} in the configuration keeps CMAINT once enabled again, as in HAProxy. */
    static int adminState(ServerState s) {
        int config = s.config().disabled() ? CMAINT : 0;
        return config | switch (s.admin()) {
            case MAINT -> FMAINT;
            case DRAIN -> FDRAIN;
            case READY -> 0;
        };
    }

    private static int result(CheckResult last) {
        if (last == null) {
            return RES_UNKNOWN;
        }
        if (last.status() == CheckStatus.L7OKC) {
            return RES_CONDPASS;
        }
        return last.status().passed() ? RES_PASSED : RES_FAILED;
    }

    /** Maintenance pauses a server's checks. */
    private static int checkState(ServerState s, boolean enabled) {
        return CONFIGURED | (enabled ? ENABLED : 0) | (s.admin() == ServerState.Admin.MAINT ? PAUSED : 0);
    }

    /** The resolved IP address, "-" for a server that is not reached over IP. */
    private static String address(ServerState s) {
        SocketAddress a = s.socketAddress(new InetSocketAddress(0));
        return a instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "-";
    }

    /** The name the server line gave, when it is not an IP address (HAProxy's srv->hostname). */
    private static String fqdn(ServerState s) {
        String host = s.config().address().host();
        if (host == null || host.isEmpty() || host.indexOf(':') >= 0 || host.matches("[0-9.]+")) {
            return "-";
        }
        return host;
    }
}
