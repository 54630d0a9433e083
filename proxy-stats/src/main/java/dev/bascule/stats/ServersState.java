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

import static dev.bascule.core.state.ServerStateFormat.*;

/**
 * {@code show servers state}: HAProxy 2.6's format 1 (doc/management.txt), a version line, the column names,
 * then one line per server with HAProxy's numbers for its states, so that a saved dump reads like HAProxy's.
 */
final class ServersState {
    private ServersState() {
    }

    /**
     * The dump for every backend, or for {@code only} (a name or {@code #<id>}); an unknown backend gets HAProxy's
     * error.
     */
    static String dump(Runtime runtime, String only) {
        BackendState wanted = only == null ? null : Proxies.backend(runtime, only);
        if (only != null && wanted == null) {
            return "Can't find backend.\n";
        }
        StringBuilder out = new StringBuilder().append(VERSION).append("\n# ").append(String.join(" ", COLUMNS))
                .append('\n');
        for (String proxy : Proxies.declared(runtime)) {
            BackendState b = runtime.backend(proxy);
            if (b == null || wanted != null && wanted != b) {
                continue;
            }
            for (ServerState s : b.servers()) {
                out.append(b.config().id()).append(' ').append(proxy).append(' ')
                        .append(line(s, b.config().forcedId())).append('\n');
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
        return String.join(" ", String.valueOf(c.id()), s.name(), address(s),
                String.valueOf(opState(s)), String.valueOf(adminState(s)), String.valueOf(s.weight()),
                String.valueOf(c.weight()),
                String.valueOf((System.nanoTime() - s.health().lastChangeNanos()) / 1_000_000_000L),
                String.valueOf(last != null ? last.status().code() : check.enabled() ? CheckStatus.INI.code() : 0),
                String.valueOf(result(last)), String.valueOf(s.health().counter()),
                String.valueOf(check.enabled() ? checkState(s, s.checksEnabled()) : 0),
                String.valueOf(agent != null ? AGENT | checkState(s, true) : 0),
                backendForced ? "1" : "0", c.forcedId() ? "1" : "0", fqdn(s),
                String.valueOf(Math.max(0, s.port())), srvLabel(s) ? c.address().host() : "-", "0",
                String.valueOf(check.port()),
                check.addr() != null ? check.addr() : "-",
                agent != null && agent.addr() != null ? agent.addr() : "-",
                String.valueOf(agent != null ? agent.port() : 0));
    }

    /** Maintenance stops a server; an unchecked one runs; slowstart is STARTING until the ramp ends. */
    static int opState(ServerState s) {
        if (s.admin() == ServerState.Admin.MAINT || !s.hasAddress()) {
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

    /**
     * A server {@code disabled} in the configuration keeps CMAINT once enabled again, as in HAProxy; one without
     * address is in RMAINT, and one whose name an SRV record gave has HMAINT.
     */
    static int adminState(ServerState s) {
        int config = (s.config().disabled() ? CMAINT : 0) | (s.hasAddress() ? 0 : RMAINT)
                | (srvLabel(s) && s.hostname() != null ? HMAINT : 0);
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

    /** The name the server follows, when it is not an IP address (HAProxy's srv->hostname: an SRV record's target). */
    private static String fqdn(ServerState s) {
        String host = s.hostname();
        return host == null ? "-" : host;
    }

    private static boolean srvLabel(ServerState s) {
        return dev.bascule.config.model.ServerDns.isSrvLabel(s.config().address().host());
    }
}
