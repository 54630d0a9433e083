package dev.bascule.core.state;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.core.ServerState;
import dev.bascule.core.check.CheckResult;
import dev.bascule.core.check.CheckStatus;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.bascule.core.state.ServerStateFormat.*;

/**
 * One server's line of a state file: its fields, checked and applied as HAProxy 2.6's srv_state_srv_update does
 * for format 1. The admin state and the run-time weight are what an operator set; the operational state and the
 * check's counter are what the checks found, so a server that was DOWN starts DOWN until its checks bring it up.
 */
record StateLine(String file, int number, List<String> fields) {
    /** The admin states a line may hold once the inherited and resolution bits are cleared. */
    private static final Set<Integer> ADMIN_STATES = Set.of(0, FMAINT, CMAINT, CMAINT | FMAINT, CMAINT | FDRAIN,
            FDRAIN);
    private static final int CHECK_STATE_BITS = INPROGRESS | CONFIGURED | ENABLED | PAUSED | AGENT;
    /** HAProxy's HCHK_STATUS_SIZE: check status numbers are below it. */
    private static final int CHECK_STATUSES = 21;

    String backendId() {
        return fields.get(0);
    }

    String backendName() {
        return fields.get(1);
    }

    String serverName() {
        return fields.get(3);
    }

    /** {@code file:line}, as a warning names it. */
    String where() {
        return file + ":" + number;
    }

    private String field(String column) {
        return fields.get(COLUMNS.indexOf(column));
    }

    private long number(String column) {
        return Long.parseLong(field(column));
    }

    /** The fields that hold no value format 1 allows, in HAProxy's words; empty when the line can be applied. */
    List<String> invalid() {
        List<String> out = new ArrayList<>();
        check(out, "srv_op_state", v -> v >= STOPPED && v <= STOPPING);
        check(out, "srv_admin_state", v -> ADMIN_STATES.contains(admin(v)));
        check(out, "srv_uweight", v -> v >= 0 && v <= MAX_WEIGHT);
        check(out, "srv_iweight", v -> v >= 0 && v <= MAX_WEIGHT);
        check(out, "srv_time_since_last_change", v -> true);
        check(out, "srv_check_status", v -> v >= 0 && v < CHECK_STATUSES);
        check(out, "srv_check_result", v -> v >= RES_UNKNOWN && v <= RES_CONDPASS);
        check(out, "srv_check_health", v -> true);
        check(out, "srv_check_state", v -> (v & ~CHECK_STATE_BITS) == 0);
        check(out, "srv_agent_state", v -> (v & ~CHECK_STATE_BITS) == 0);
        check(out, "bk_f_forced_id", v -> v == 0 || v == 1);
        check(out, "srv_f_forced_id", v -> v == 0 || v == 1);
        check(out, "srv_port", v -> v >= 0 && v <= 65535);
        return out;
    }

    private void check(List<String> out, String column, java.util.function.LongPredicate valid) {
        try {
            if (valid.test(number(column))) {
                return;
            }
        } catch (NumberFormatException e) {
            // worded below, as an out-of-range value is
        }
        out.add("invalid " + column + " value '" + field(column) + "'");
    }

    /** What HAProxy recomputes at startup (inherited states, resolution, an FQDN set at run time) left out. */
    private static int admin(long saved) {
        return (int) saved & ~(IMAINT | IDRAIN | RMAINT | HMAINT);
    }

    /**
     * Why the line was saved for another server than the one configured under that name now, or null: a server
     * given by an IP address keeps it, so a saved address or port that differs means the line was edited in the
     * configuration, and the state of the old server is not the new one's (HAProxy 2.6 would keep the saved port).
     * A server named by a host name is judged by that name; one of an SRV template has its name and port from
     * the records, so nothing here tells it moved.
     */
    String movedFrom(Server server) {
        Address a = server.address();
        if (a.family() != Address.Family.INET || dev.bascule.config.model.ServerDns.isSrvLabel(a.host())) {
            return null;
        }
        String savedPort = field("srv_port");
        String port = String.valueOf(Math.max(0, a.port()));
        if (!savedPort.equals(port)) {
            return "port " + savedPort + " is now " + port;
        }
        if (a.hostname() != null) {
            String fqdn = field("srv_fqdn");
            return fqdn.equals(a.hostname()) ? null : "host name '" + fqdn + "' is now '" + a.hostname() + "'";
        }
        String saved = field("srv_addr");
        return sameAddress(saved, a.host()) ? null : "address " + saved + " is now " + a.host();
    }

    /** Two IP literals (written as HAProxy or Java writes them) for the same address; never a name lookup. */
    private static boolean sameAddress(String saved, String configured) {
        if (!saved.matches("[0-9a-fA-F.:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(saved).equals(InetAddress.getByName(configured));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Applies a line {@link #invalid()} found nothing wrong with. */
    void applyTo(ServerState s) {
        Server c = s.config();
        ServerCheck check = c.check();
        long changed = System.nanoTime() - number("srv_time_since_last_change") * 1_000_000_000L;
        if (check.enabled() || check.agent() != null) {
            CheckStatus status = CheckStatus.ofCode((int) number("srv_check_status"));
            CheckResult last = status == null || status == CheckStatus.INI ? null : new CheckResult(status, 0, null, 0);
            restoreHealth(s, (int) number("srv_op_state"), (int) number("srv_check_health"), last, changed);
        } else {
            // Nothing would bring an unchecked server back up: its admin state alone says whether it serves.
            s.health().restore(true, s.health().counter(), null, changed, false);
        }
        applyAdmin(s, admin(number("srv_admin_state")), (int) number("srv_iweight"));
        // The saved run-time weight holds unless the configured weight changed, which then has precedence.
        if (number("srv_iweight") == c.weight()) {
            s.weight((int) number("srv_uweight"));
        }
        int checkState = (int) number("srv_check_state");
        // Only 'disable health' is carried: a check the configuration adds or removes is as configured.
        if (check.enabled() && (checkState & CONFIGURED) != 0 && (checkState & ENABLED) == 0) {
            s.checksEnabled(false);
        }
    }

    /** HAProxy's counter per operational state; STARTING ramps on from its change, STOPPING stays UP. */
    private static void restoreHealth(ServerState s, int op, int health, CheckResult last, long changed) {
        int rise = s.config().check().rise();
        int fall = s.config().check().fall();
        int top = rise + fall - 1;
        switch (op) {
            case STOPPED -> s.health().restore(false, 0, last, changed, false);
            case STARTING -> s.health().restore(true, rise == 1 ? top : rise, last, changed, rise > 1);
            case STOPPING -> {
                if (fall == 1) {
                    s.health().restore(false, 0, last, changed, false);
                } else {
                    boolean going = health >= rise && health <= rise + fall - 2;
                    s.health().restore(true, going ? health : rise, last, changed, false);
                }
            }
            default -> s.health().restore(true, top, last, changed, false);
        }
    }

    /**
     * The configuration's maintenance ({@code disabled}) wins when it changed since the file was saved; otherwise
     * the saved forced maintenance, then a saved drain, as HAProxy applies them. A drain that only came from a
     * configured weight of 0 is dropped once the weight is positive again.
     */
    private static void applyAdmin(ServerState s, int saved, int savedWeight) {
        boolean disabled = s.config().disabled();
        ServerState.Admin admin = s.admin();
        if (((saved & CMAINT) != 0) == disabled) {
            if ((saved & FMAINT) != 0 && !disabled) {
                admin = ServerState.Admin.MAINT;
            } else if ((saved & FMAINT) == 0 && disabled) {
                admin = ServerState.Admin.READY;
            }
        }
        if (admin != ServerState.Admin.MAINT && (saved & FDRAIN) != 0
                && (savedWeight > 0 || s.config().weight() == 0)) {
            admin = ServerState.Admin.DRAIN;
        }
        if (admin != s.admin()) {
            s.admin(admin);
        }
    }
}
