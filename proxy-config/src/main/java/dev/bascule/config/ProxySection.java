package dev.bascule.config;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Balance;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.Mode;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.Source;
import dev.bascule.config.model.Timeouts;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@code defaults}, {@code frontend}, {@code backend} or {@code listen} section. It starts as a copy of
 * its defaults section, so the model it builds has inheritance already resolved.
 */
final class ProxySection implements Section {
    enum Kind {
        DEFAULTS, FRONTEND, BACKEND, LISTEN;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean frontend() {
            return this != BACKEND;
        }

        boolean backend() {
            return this != FRONTEND;
        }
    }

    /** Keyword families whose second word names the feature, for "not supported yet" messages. */
    private static final Set<String> TWO_WORD_FAMILIES = Set.of(
            "stats", "http-check", "tcp-check", "capture", "tcp-request", "tcp-response", "stick", "monitor",
            "email-alert", "rate-limit", "declare", "persist", "http-request", "http-response",
            "http-after-response", "external-check");

    private final Diagnostics diag;
    final Kind kind;
    final String name;
    final Source source;
    private Mode mode = Mode.TCP;
    private final List<Bind> binds = new ArrayList<>();
    private int maxconn;
    private Timeouts timeouts = Timeouts.NONE;
    private String defaultBackend;
    private Source defaultBackendSource;
    private Balance balance = Balance.ROUNDROBIN;
    private final List<Server> servers = new ArrayList<>();
    private int retries = Backend.DEFAULT_RETRIES;
    private int redispatchInterval;

    ProxySection(Diagnostics diag, Kind kind, String name, Source source, ProxySection defaults) {
        this.diag = diag;
        this.kind = kind;
        this.name = name;
        this.source = source;
        if (defaults != null) {
            mode = defaults.mode;
            maxconn = defaults.maxconn;
            timeouts = defaults.timeouts;
            defaultBackend = defaults.defaultBackend;
            defaultBackendSource = defaults.defaultBackendSource;
            balance = defaults.balance;
            retries = defaults.retries;
            redispatchInterval = defaults.redispatchInterval;
        }
    }

    void addBinds(Line line, String list) {
        binds.addAll(Addresses.binds(diag, line.source(), list));
    }

    @Override
    public void keyword(Line line) {
        String kw = line.keyword();
        switch (kw) {
            case "bind" -> bind(line);
            case "mode" -> mode(line);
            case "default_backend" -> {
                if (requireFrontend(line, kw) && requireArgument(line, kw, "a backend name")) {
                    defaultBackend = line.word(1);
                    defaultBackendSource = line.source();
                }
            }
            case "server" -> server(line);
            case "balance" -> balance(line);
            case "maxconn" -> {
                if (requireFrontend(line, kw)) {
                    Integer v = Numbers.parse(diag, line, kw, line.word(1), 0, Integer.MAX_VALUE);
                    if (v != null) {
                        maxconn = v;
                    }
                }
            }
            case "retries" -> {
                if (requireBackend(line, kw)) {
                    Integer v = Numbers.parse(diag, line, kw, line.word(1), 0, Integer.MAX_VALUE);
                    if (v != null) {
                        retries = v;
                    }
                }
            }
            case "timeout" -> timeout(line, line.word(1), line.word(2));
            case "option" -> option(line, line.word(1), true);
            case "no" -> {
                if ("option".equals(line.word(1))) {
                    option(line, line.word(2), false);
                } else {
                    diag.alert(line.source(), "'no' must be followed by 'option'");
                }
            }
            case "contimeout", "clitimeout", "srvtimeout" -> {
                String modern = switch (kw) {
                    case "contimeout" -> "connect";
                    case "clitimeout" -> "client";
                    default -> "server";
                };
                diag.warning(line.source(), "the '" + kw + "' keyword is deprecated since HAProxy 1.5 and "
                        + "removed in 2.1; use 'timeout " + modern + "' instead");
                timeout(line, modern, line.word(1));
            }
            case "redispatch" -> {
                diag.warning(line.source(), "keyword 'redispatch' is deprecated since HAProxy 1.4; "
                        + "use 'option redispatch' instead");
                option(line, "redispatch", true);
            }
            default -> notImplemented(line, kw);
        }
    }

    private void notImplemented(Line line, String kw) {
        if (Keywords.PROXY.contains(kw)) {
            String name = TWO_WORD_FAMILIES.contains(kw) && line.word(1) != null ? kw + " " + line.word(1) : kw;
            diag.warning(line.source(), "'" + name + "' is not supported yet");
        } else {
            String near = Keywords.nearest(kw, Keywords.PROXY);
            diag.alert(line.source(), "unknown keyword '" + kw + "' in '" + kind.word() + "' section"
                    + (near == null ? "" : "; did you mean '" + near + "' maybe ?"));
        }
    }

    private void bind(Line line) {
        if (kind == Kind.DEFAULTS) {
            diag.alert(line.source(), "'bind' not allowed in 'defaults' section; it belongs in frontend or listen");
            return;
        }
        if (!requireFrontend(line, "bind") || !requireArgument(line, "bind", "an address such as '*:80'")) {
            return;
        }
        addBinds(line, line.word(1));
        for (int i = 2; i < line.size(); i++) {
            String opt = line.word(i);
            Integer argc = Keywords.BIND_OPTIONS.get(opt);
            if (argc == null) {
                String near = Keywords.nearest(opt, Keywords.BIND_OPTIONS.keySet());
                diag.alert(line.source(), "'bind " + line.word(1) + "' unknown keyword '" + opt + "'"
                        + (near == null ? "" : "; did you mean '" + near + "' maybe ?"));
                return;
            }
            if (argc > 0 && i + argc >= line.size()) {
                diag.alert(line.source(), "'bind " + line.word(1) + "' : '" + opt + "' expects an argument");
                return;
            }
            diag.warning(line.source(), "bind option '" + opt + "' is not supported yet");
            i += argc;
        }
    }

    private void mode(Line line) {
        String m = line.word(1);
        if ("tcp".equals(m)) {
            mode = Mode.TCP;
        } else if ("http".equals(m)) {
            mode = Mode.HTTP;
            diag.warning(line.source(), "'mode http' is not supported yet; the proxy relays bytes as in 'mode tcp'");
        } else {
            diag.alert(line.source(), "unknown proxy mode '" + m + "'; expected 'tcp' or 'http'");
        }
    }

    private void server(Line line) {
        if (kind == Kind.DEFAULTS) {
            diag.alert(line.source(), "'server' not allowed in 'defaults' section; use 'default-server' there");
            return;
        }
        if (!requireBackend(line, "server")) {
            return;
        }
        String serverName = line.word(1);
        if (serverName == null || line.word(2) == null) {
            diag.alert(line.source(), "'server' expects <name> and <addr>[:<port>] as arguments");
            return;
        }
        int weight = Server.DEFAULT_WEIGHT;
        for (int i = 3; i < line.size(); i++) {
            String opt = line.word(i);
            Integer argc = Keywords.SERVER_OPTIONS.get(opt);
            if (argc == null) {
                String near = Keywords.nearest(opt, Keywords.SERVER_OPTIONS.keySet());
                diag.alert(line.source(), "'server " + name + "/" + serverName + "' unknown keyword '" + opt + "'"
                        + (near == null ? "" : "; did you mean '" + near + "' maybe ?"));
                return;
            }
            if (argc > 0 && i + argc >= line.size()) {
                diag.alert(line.source(), "'server " + name + "/" + serverName + "' : '" + opt
                        + "' expects an argument");
                return;
            }
            if (opt.equals("weight")) {
                Integer w = Numbers.parse(diag, line, "weight", line.word(i + 1), 0, 256);
                if (w == null) {
                    return;
                }
                weight = w;
            } else {
                diag.warning(line.source(), "'" + opt + "' is not supported yet");
            }
            i += argc;
        }
        for (Server s : servers) {
            if (s.name().equals(serverName)) {
                diag.alert(line.source(), "backend '" + name + "' has the same server name '" + serverName
                        + "' declared at " + s.source() + "; server names must be unique within a backend");
                return;
            }
        }
        Server server = Addresses.server(diag, line.source(), serverName, line.word(2), weight);
        if (server != null) {
            servers.add(server);
        }
    }

    private void balance(Line line) {
        if (!requireBackend(line, "balance")) {
            return;
        }
        if (line.word(1) == null) {
            // HAProxy reads a bare 'balance' as roundrobin.
            balance = Balance.ROUNDROBIN;
            return;
        }
        String algo = line.word(1);
        List<String> args = line.words().subList(2, line.size());
        if (!algo.equals("roundrobin")) {
            String base = algo.replaceAll("\\(.*", "");
            if (Set.of("static-rr", "leastconn", "first", "source", "uri", "url_param", "hdr", "random",
                    "rdp-cookie", "hash").contains(base)) {
                diag.warning(line.source(), "'balance " + base + "' is not supported yet; "
                        + "'roundrobin' is used instead");
            } else {
                diag.alert(line.source(), "'balance' : unknown algorithm '" + algo + "'; expected one of "
                        + "roundrobin, static-rr, leastconn, first, source, uri, url_param, hdr(name), random, "
                        + "rdp-cookie, hash");
                return;
            }
        }
        balance = new Balance(algo, args);
    }

    private void timeout(Line line, String which, String value) {
        if (which == null || !Keywords.TIMEOUTS.contains(which)) {
            String near = which == null ? null : Keywords.nearest(which, Keywords.TIMEOUTS);
            diag.alert(line.source(), "'timeout' supports 'client', 'server', 'connect', 'check', 'queue', "
                    + "'http-keep-alive', 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin' "
                    + "(got '" + which + "')" + (near == null ? "" : "; did you mean 'timeout " + near + "' maybe ?"));
            return;
        }
        String kw = "timeout " + which;
        if (value == null) {
            diag.alert(line.source(), "'" + kw + "' expects an integer value (in milliseconds)");
            return;
        }
        long ms;
        try {
            ms = TimeValue.parseMillis(value);
        } catch (IllegalArgumentException e) {
            diag.alert(line.source(), "'" + kw + "' : " + e.getMessage());
            return;
        }
        switch (which) {
            case "connect" -> {
                if (requireBackend(line, kw)) {
                    timeouts = timeouts.withConnect(ms);
                }
            }
            case "server" -> {
                if (requireBackend(line, kw)) {
                    timeouts = timeouts.withServer(ms);
                }
            }
            case "client" -> {
                if (requireFrontend(line, kw)) {
                    timeouts = timeouts.withClient(ms);
                }
            }
            default -> diag.warning(line.source(), "'" + kw + "' is not supported yet");
        }
    }

    private void option(Line line, String opt, boolean enable) {
        if (opt == null) {
            diag.alert(line.source(), "'option' expects an option name");
            return;
        }
        if (opt.equals("redispatch")) {
            if (!requireBackend(line, "option redispatch")) {
                return;
            }
            if (!enable) {
                redispatchInterval = 0;
                return;
            }
            String interval = line.word(2);
            if (interval == null) {
                redispatchInterval = -1;
            } else {
                Integer v = Numbers.parse(diag, line, "option redispatch", interval, Integer.MIN_VALUE,
                        Integer.MAX_VALUE);
                if (v != null) {
                    redispatchInterval = v;
                }
            }
        } else if (opt.equals("forceclose")) {
            diag.warning(line.source(), "option 'forceclose' is deprecated since HAProxy 1.8 and removed in 2.0; "
                    + "use 'option httpclose' instead; 'option httpclose' is not supported yet");
        } else if (Keywords.OPTIONS.contains(opt)) {
            diag.warning(line.source(), "'option " + opt + "' is not supported yet");
        } else {
            String near = Keywords.nearest(opt, Keywords.OPTIONS);
            diag.alert(line.source(), "unknown option '" + opt + "'"
                    + (near == null ? "" : "; did you mean 'option " + near + "' maybe ?"));
        }
    }

    private boolean requireArgument(Line line, String kw, String what) {
        if (line.word(1) == null) {
            diag.alert(line.source(), "'" + kw + "' expects " + what + " as an argument");
            return false;
        }
        return true;
    }

    private boolean requireFrontend(Line line, String kw) {
        if (!kind.frontend()) {
            diag.warning(line.source(), "'" + kw + "' ignored because " + kind.word() + " '" + name
                    + "' has no frontend capability");
            return false;
        }
        return true;
    }

    private boolean requireBackend(Line line, String kw) {
        if (!kind.backend()) {
            diag.warning(line.source(), "'" + kw + "' ignored because " + kind.word() + " '" + name
                    + "' has no backend capability");
            return false;
        }
        return true;
    }

    Source defaultBackendSource() {
        return defaultBackendSource;
    }

    Frontend frontend() {
        // A listen section serves its own servers unless it routes elsewhere with default_backend.
        String target = kind == Kind.LISTEN && defaultBackend == null ? name : defaultBackend;
        return new Frontend(name, source, mode, binds, maxconn, timeouts, target);
    }

    Backend backend() {
        return new Backend(name, source, mode, balance, servers, timeouts, retries, redispatchInterval);
    }
}
