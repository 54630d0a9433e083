package dev.bascule.stats;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.ServerDns;
import dev.bascule.core.BackendState;
import dev.bascule.core.Runtime;
import dev.bascule.core.ServerState;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HAProxy's runtime API commands (doc/management.txt, section 9.3) over the live state: what the stats
 * socket answers. Each command needs HAProxy's level for it: {@code user} shows; {@code admin} also changes
 * servers' states, weights and limits. {@code operator} adds nothing yet to {@code user} here: what HAProxy
 * allows it (clearing counters, some session commands) is not implemented.
 */
public final class RuntimeApi {
    /** The levels of a stats socket, in increasing power. */
    public enum Level { USER, OPERATOR, ADMIN }

    static final String HELP = String.join("\n",
            "The following commands are valid at this level:",
            "  help                                    : this message",
            "  prompt                                  : toggle interactive mode with prompt",
            "  quit                                    : disconnect",
            "  show info                               : report information about the running process",
            "  show stat [json|typed]                  : report counters for each proxy and server",
            "  show servers state [<backend>]          : dump volatile server information",
            "  show backend                            : list backends in the current running config",
            "  get weight <bk>/<srv>                   : report a server's current weight",
            "  set maxconn server <bk>/<srv> <n>       : change a server's maxconn setting",
            "  disable server <bk>/<srv>               : disable a server for maintenance",
            "  enable server <bk>/<srv>                : enable a disabled server",
            "  set server <bk>/<srv> state <ready|drain|maint> : change a server's administrative state",
            "  set server <bk>/<srv> weight <w>[%]     : change a server's weight",
            "  set server <bk>/<srv> addr <ip> [port <port>] : change a server's address and port",
            "  set weight <bk>/<srv> <w>[%]            : change a server's weight (deprecated)",
            "  disable health <bk>/<srv>               : disable health checks",
            "  enable health <bk>/<srv>                : enable health checks",
            "  shutdown sessions server <bk>/<srv>     : kill sessions on a server",
            "  reload                                  : re-read the configuration and apply it in place",
            "  show reload-plan <file> [<file>...]     : what a reload of these files would change",
            "");

    private final Runtime runtime;

    public RuntimeApi(Runtime runtime) {
        this.runtime = runtime;
    }

    /** Runs one command line (commands may be separated by ';'); returns what to send back. */
    public String execute(String line, Level level) {
        return String.join("", answers(line, level));
    }

    /** The answer of each command of the line, in turn (the socket ends each one as HAProxy's CLI does). */
    public List<String> answers(String line, Level level) {
        List<String> out = new ArrayList<>();
        for (String command : line.split(";")) {
            String c = command.trim();
            if (!c.isEmpty()) {
                out.add(one(c.split("\\s+"), level));
            }
        }
        return out;
    }

    private String one(String[] w, Level level) {
        String cmd = String.join(" ", Arrays.copyOfRange(w, 0, Math.min(w.length, 3))).toLowerCase(Locale.ROOT);
        try {
            if (cmd.equals("help")) {
                return HELP;
            }
            if (cmd.startsWith("show info")) {
                return info();
            }
            if (cmd.startsWith("show stat")) {
                List<String> options = Arrays.asList(w).subList(2, w.length);
                List<Map<String, String>> rows = StatsCsv.rows(runtime, proxy -> true,
                        level.compareTo(Level.OPERATOR) >= 0);
                return options.contains("json") ? StatsCsv.json(rows)
                        : options.contains("typed") ? StatsCsv.typed(rows) : StatsCsv.csv(rows);
            }
            if (cmd.startsWith("show servers state")) {
                return ServersState.dump(runtime, w.length > 3 ? w[3] : null);
            }
            if (cmd.equals("reload")) {
                // HAProxy has it on the master CLI; here the one process reloads itself, as on SIGHUP.
                require(level, Level.ADMIN);
                return runtime.requestReload() + "\n";
            }
            if (cmd.startsWith("show reload-plan")) {
                // Admin: the process reads any file it may, and the answer quotes their lines.
                require(level, Level.ADMIN);
                return reloadPlan(Arrays.asList(w).subList(2, w.length));
            }
            if (cmd.startsWith("show backend")) {
                StringBuilder b = new StringBuilder("# name\n");
                runtime.backends().forEach(be -> b.append(be.name()).append('\n'));
                return b.toString();
            }
            if (cmd.startsWith("get weight") && w.length > 2) {
                ServerState s = server(w[2]);
                return s.weight() + " (initial " + s.config().weight() + ")\n";
            }
            if (cmd.startsWith("set maxconn server") && w.length > 4) {
                require(level, Level.ADMIN);
                server(w[3]).maxconn(Integer.parseInt(w[4]));
                return "";
            }
            if ((cmd.startsWith("disable server") || cmd.startsWith("enable server")) && w.length > 2) {
                require(level, Level.ADMIN);
                server(w[2]).admin(w[0].equals("enable") ? ServerState.Admin.READY : ServerState.Admin.MAINT);
                return "";
            }
            if ((cmd.startsWith("disable health") || cmd.startsWith("enable health")) && w.length > 2) {
                require(level, Level.ADMIN);
                server(w[2]).checksEnabled(w[0].equals("enable"));
                return "";
            }
            if (cmd.startsWith("set server") && w.length > 4 && w[3].equals("addr")) {
                require(level, Level.ADMIN);
                return setAddress(w[2], w[4], w.length > 6 && w[5].equals("port") ? w[6] : null);
            }
            if (cmd.startsWith("set server") && w.length > 4) {
                require(level, Level.ADMIN);
                return setServer(server(w[2]), w[3], w[4]);
            }
            if (cmd.startsWith("set weight") && w.length > 3) {
                require(level, Level.ADMIN);
                return setServer(server(w[2]), "weight", w[3]);
            }
            if (cmd.startsWith("shutdown sessions server") && w.length > 3) {
                require(level, Level.ADMIN);
                server(w[3]).shutdownSessions();
                return "";
            }
        } catch (ApiError e) {
            return e.getMessage();
        } catch (NumberFormatException e) {
            return "Require an integer value.\n";
        }
        return "Unknown command. Please enter one of the following commands only :\n" + HELP;
    }

    private String reloadPlan(List<String> files) {
        if (files.isEmpty()) {
            return "'show reload-plan' expects one or more configuration files (absolute paths).\n";
        }
        List<Path> paths = files.stream().map(Path::of).toList();
        if (!paths.stream().allMatch(Path::isAbsolute)) {
            return "'show reload-plan' expects absolute paths: the process does not share the caller's directory.\n";
        }
        return runtime.planReload(paths).answer();
    }

    private String setServer(ServerState s, String what, String value) {
        switch (what) {
            case "state" -> {
                switch (value) {
                    case "ready" -> s.admin(ServerState.Admin.READY);
                    case "drain" -> s.admin(ServerState.Admin.DRAIN);
                    case "maint" -> s.admin(ServerState.Admin.MAINT);
                    default -> {
                        return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
                    }
                }
                return "";
            }
            case "weight" -> {
                int w = value.endsWith("%")
                        ? s.config().weight() * Integer.parseInt(value.substring(0, value.length() - 1)) / 100
                        : Integer.parseInt(value);
                if (w < 0 || w > 256) {
                    return "Weight value must be between 0 and 256.\n";
                }
                s.weight(w);
                return "";
            }
            default -> {
                return "'set server <srv>' only supports 'state', 'weight' and 'addr' for now.\n";
            }
        }
    }

    /**
     * {@code set server <bk>/<srv> addr <ip> [port <port>]}: HAProxy's srv_update_addr_port. New connections go to
     * the new address (idle ones to the old are not reused), and a server in resolution maintenance leaves it.
     */
    private String setAddress(String id, String addr, String portText) {
        ServerState s = server(id);
        String by = " by 'stats socket command'\n";
        InetAddress ip = ServerDns.literal(addr);
        if (ip == null) {
            return "Invalid addr '" + addr + "'" + by;
        }
        if (s.address().family() != Address.Family.INET) {
            return "Update for the current server address family is only supported through configuration file" + by;
        }
        int port = s.port();
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                return "problem converting port '" + portText + "' to an int" + by;
            }
            if (port < 1 || port > 65535) {
                return "invalid port '" + portText + "'" + by;
            }
        }
        InetAddress before = s.host();
        String answer = ip.equals(before) ? "no need to change the addr"
                : "IP changed from '" + (before == null ? "" : before.getHostAddress()) + "' to '" + addr + "'";
        if (portText != null) {
            answer += port == s.port() ? ", no need to change the port"
                    : ", port changed from '" + Math.max(0, s.port()) + "' to '" + port + "'";
        }
        boolean had = s.hasAddress();
        s.readdress(ip, port);
        if (!had) {
            runtime.backend(id.substring(0, id.indexOf('/'))).resolvedAgain(s, false);
        }
        return answer + by;
    }

    private static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ApiError(String message) {
            super(message, null, false, false);
        }
    }

    private static void require(Level have, Level need) {
        if (have.compareTo(need) < 0) {
            throw new ApiError("Permission denied\n");
        }
    }

    private ServerState server(String id) {
        int slash = id.indexOf('/');
        if (slash < 0) {
            throw new ApiError("Require 'backend/server'.\n");
        }
        BackendState b = runtime.backend(id.substring(0, slash));
        if (b == null) {
            throw new ApiError("No such backend.\n");
        }
        String name = id.substring(slash + 1);
        return b.servers().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new ApiError("No such server.\n"));
    }

    private String info() {
        return ShowInfo.text(runtime);
    }
}
