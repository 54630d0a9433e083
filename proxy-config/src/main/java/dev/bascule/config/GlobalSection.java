package dev.bascule.config;

import dev.bascule.config.model.Directive;
import dev.bascule.config.model.Global;
import dev.bascule.config.model.Identity;
import dev.bascule.config.model.LogTarget;
import dev.bascule.config.model.StatsSocket;
import dev.bascule.config.model.TlsSettings;
import dev.bascule.config.model.VarAction;
import dev.bascule.config.sample.FetchKeyword;
import dev.bascule.config.sample.PatternFiles;
import dev.bascule.config.sample.SampleException;
import dev.bascule.config.sample.SampleExpr;
import dev.bascule.config.sample.SampleFormat;
import dev.bascule.config.sample.SampleParser;
import dev.bascule.config.sample.VarName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/** The {@code global} section (doc section 3); several of them add up, as in HAProxy. */
final class GlobalSection implements Section {
    /** Keyword families named by a prefix; their members are not listed one by one. */
    private static final List<String> PREFIXES = List.of("tune.", "51degrees-", "deviceatlas-", "wurfl-");

    static final KeywordTable<GlobalSection> TABLE = new KeywordTable<>("global", List.of(
            supported("daemon", "3.1", 0, "", (g, l) -> g.daemon = true),
            // The rest of the line, as HAProxy joins it.
            supported("description", "3.1", 1, "<text>", (g, l) -> g.description = String.join(" ",
                    l.words().subList(1, l.size()))),
            supported("maxconn", "3.2", 1, "<number>", (g, l) -> g.maxconn = g.integer(l, 1, Integer.MAX_VALUE,
                    g.maxconn)),
            supported("nbthread", "3.1", 1, "<number>", (g, l) -> g.nbthread = g.integer(l, 1, 4096, g.nbthread)),
            supported("node", "3.1", 1, "<name>", (g, l) -> g.node = l.word(1)),
            supported("noepoll", "3.2", 0, "", (g, l) -> g.noepoll = true),
            supported("pidfile", "3.1", 1, "<pidfile>", (g, l) -> g.pidfile = l.word(1)),
            supported("hard-stop-after", "3.1", 1, "<time>", GlobalSection::hardStopAfter),
            supported("master-worker", "3.1", 0, "[no-exit-on-failure]", GlobalSection::masterWorker),
            supported("noreuseport", "3.2", 0, "", (g, l) -> g.reusePort = false),
            supported("spread-checks", "3.2", 1, "<0..50, in percent>", (g, l) -> g.spreadChecks = g.integer(l, 0,
                    50, g.spreadChecks)),
            new Keyword<>("nbproc", "", Support.LEGACY, "3.1", 1, "<number>", (g, l) -> g.diag.warning(l.source(),
                    "'nbproc' was removed in HAProxy 2.5 and is ignored: Bascule runs one process with one event "
                            + "loop per thread; use 'nbthread' instead")),
            supported("user", "3.1", 1, "<user name>", (g, l) -> g.identity(l, true, true)),
            supported("uid", "3.1", 1, "<number>", (g, l) -> g.identity(l, true, false)),
            supported("group", "3.1", 1, "<group name>", (g, l) -> g.identity(l, false, true)),
            supported("gid", "3.1", 1, "<number>", (g, l) -> g.identity(l, false, false)),
            notApplicable("chroot", "3.1", 1, "<jail dir>", "a JVM cannot chroot itself: it goes on loading classes "
                    + "and libraries from the file system as it runs; confine the process with systemd's "
                    + "RootDirectory= (with the JVM and Bascule inside it) or ProtectSystem=strict and ReadOnlyPaths="),
            notApplicable("cpu-map", "3.1", 2, "<thread> <cpu-set>", "a JVM cannot pin its threads to CPUs; pin the "
                    + "whole process with taskset(1) or systemd's CPUAffinity="),
            supported("ulimit-n", "3.1", 1, "<number>", (g, l) -> g.ulimitN = g.integer(l, 1, Integer.MAX_VALUE,
                    g.ulimitN)),
            pending("51degrees-*", "3.1", 1, "<value>"), pending("busy-polling", "3.2", 0, ""),
            supported("ca-base", "3.1", 1, "<dir>", (g, l) -> g.ssl.caBase = l.word(1)),
            pending("cluster-secret", "3.1", 1, "<secret>"),
            supported("crt-base", "3.1", 1, "<dir>", (g, l) -> g.ssl.crtBase = l.word(1)),
            pending("debug", "3.3", 0, ""),
            pending("default-path", "3.1", 1, "{ current | config | parent | origin <path> }"),
            pending("deviceatlas-*", "3.1", 1, "<value>"),
            supported("expose-experimental-directives", "3.1", 0, "", (g, l) -> g.experimental = true),
            pending("external-check", "3.1", 0, ""),
            pending("fd-hard-limit", "3.2", 1, "<number>"),
            pending("grace", "3.1", 1, "<time>"), pending("h1-accept-payload-with-any-method", "3.1", 0, ""),
            pending("h1-case-adjust", "3.1", 2, "<from> <to>"), pending("h1-case-adjust-file", "3.1", 1, "<file>"),
            pending("h2-workaround-bogus-websocket-clients", "3.1", 0, ""),
            pending("httpclient.resolvers.disabled", "3.1", 1, "on|off"),
            pending("httpclient.resolvers.id", "3.1", 1, "<resolvers id>"),
            pending("httpclient.resolvers.prefer", "3.1", 1, "ipv4|ipv6"),
            pending("httpclient.ssl.ca-file", "3.1", 1, "<cafile>"),
            pending("httpclient.ssl.verify", "3.1", 1, "none|required"),
            pending("insecure-fork-wanted", "3.1", 0, ""), pending("insecure-setuid-wanted", "3.1", 0, ""),
            pending("issuers-chain-path", "3.1", 1, "<dir>"), pending("localpeer", "3.1", 1, "<name>"),
            supported("log", "3.1", 2, "<target> [len <length>] [format <format>] [sample <ranges>:<size>] "
                    + "<facility> [<level> [<minlevel>]]", GlobalSection::log),
            supported("log-send-hostname", "3.1", 0, "[<string>]", GlobalSection::logSendHostname),
            supported("log-tag", "3.1", 1, "<string>", (g, l) -> g.logTag = l.word(1)),
            pending("lua-load", "3.1", 1, "<file>"), pending("lua-load-per-thread", "3.1", 1, "<file>"),
            pending("lua-prepend-path", "3.1", 1, "<string>"),
            pending("max-spread-checks", "3.2", 1, "<time>"), pending("maxcompcpuusage", "3.2", 1, "<number>"),
            pending("maxcomprate", "3.2", 1, "<number>"), pending("maxconnrate", "3.2", 1, "<number>"),
            pending("maxpipes", "3.2", 1, "<number>"), pending("maxsessrate", "3.2", 1, "<number>"),
            pending("maxsslconn", "3.2", 1, "<number>"), pending("maxsslrate", "3.2", 1, "<number>"),
            pending("maxzlibmem", "3.2", 1, "<number>"), pending("mworker-max-reloads", "3.1", 1, "<number>"),
            pending("no-memory-trimming", "3.2", 0, ""),
            pending("noevports", "3.2", 0, ""), pending("nogetaddrinfo", "3.2", 0, ""),
            pending("nokqueue", "3.2", 0, ""), pending("nopoll", "3.2", 0, ""),
            pending("nosplice", "3.2", 0, ""),
            pending("numa-cpu-mapping", "3.1", 0, ""), pending("pp2-never-send-local", "3.1", 0, ""),
            pending("presetenv", "3.1", 2, "<name> <value>"), pending("profiling.memory", "3.2", 1, "on|off"),
            pending("profiling.tasks", "3.2", 1, "auto|on|off"), pending("quiet", "3.3", 0, ""),
            pending("resetenv", "3.1", 0, ""),
            supported("server-state-base", "3.1", 1, "<dir>", (g, l) -> g.serverStateBase = l.word(1)),
            supported("server-state-file", "3.1", 1, "<file>", (g, l) -> g.serverStateFile = l.word(1)),
            pending("set-dumpable", "3.1", 0, ""),
            supported("set-var", "3.1", 2, "<var-name> <expr>", GlobalSection::setVar),
            supported("set-var-fmt", "3.1", 2, "<var-name> <fmt>", GlobalSection::setVar), pending("setenv", "3.1", 2, "<name> <value>"),
            supported("ssl-default-bind-ciphers", "3.1", 1, "<ciphers>", (g, l) -> g.ssl.bindCiphers = l.word(1)),
            supported("ssl-default-bind-ciphersuites", "3.1", 1, "<ciphersuites>",
                    (g, l) -> g.ssl.bindCiphersuites = l.word(1)),
            pending("ssl-default-bind-client-sigalgs", "3.1", 1, "<sigalgs>"),
            pending("ssl-default-bind-curves", "3.1", 1, "<curves>"),
            supported("ssl-default-bind-options", "3.1", 1, "[<option>]...", (g, l) -> g.defaultOptions(l,
                    g.ssl.bindOptions)),
            pending("ssl-default-bind-sigalgs", "3.1", 1, "<sigalgs>"),
            supported("ssl-default-server-ciphers", "3.1", 1, "<ciphers>",
                    (g, l) -> g.ssl.serverCiphers = l.word(1)),
            supported("ssl-default-server-ciphersuites", "3.1", 1, "<ciphersuites>",
                    (g, l) -> g.ssl.serverCiphersuites = l.word(1)),
            pending("ssl-default-server-client-sigalgs", "3.1", 1, "<sigalgs>"),
            pending("ssl-default-server-curves", "3.1", 1, "<curves>"),
            supported("ssl-default-server-options", "3.1", 1, "[<option>]...", (g, l) -> g.defaultOptions(l,
                    g.ssl.serverOptions)),
            pending("ssl-default-server-sigalgs", "3.1", 1, "<sigalgs>"),
            pending("ssl-dh-param-file", "3.1", 1, "<file>"), pending("ssl-engine", "3.2", 1, "<name>"),
            pending("ssl-load-extra-del-ext", "3.1", 0, ""), pending("ssl-load-extra-files", "3.1", 1, "<value>"),
            pending("ssl-mode-async", "3.2", 0, ""), supported("ssl-server-verify", "3.1", 1, "none|required",
                    GlobalSection::sslServerVerify),
            pending("ssl-skip-self-issued-ca", "3.1", 0, ""),
            supported("stats socket", "3.1", 1, "<address:port>|<path> [param*]", GlobalSection::statsSocket),
            supported("stats timeout", "3.1", 1, "<timeout>", GlobalSection::statsTimeout),
            supported("stats maxconn", "3.1", 1, "<connections>", (g, l) -> {
                if (Numbers.atMost(g.diag, l, 3)) {
                    Integer n = Numbers.parse(g.diag, l, "stats maxconn", l.word(2), 1, Integer.MAX_VALUE);
                    g.statsMaxconn = n == null ? g.statsMaxconn : n;
                }
            }),
            pending("strict-limits", "3.1", 0, ""), pending("thread-group", "3.1", 2, "<group> <threads>"),
            pending("thread-groups", "3.1", 1, "<number>"), pending("trace", "3.1", 1, "<args...>"),
            supported("tune.ssl.cachesize", "3.2", 1, "<number>", (g, l) -> g.sslCacheSize = g.integer(l, 0,
                    Integer.MAX_VALUE, g.sslCacheSize)),
            supported("tune.ssl.lifetime", "3.2", 1, "<timeout>", GlobalSection::sslLifetime),
            pending("tune.ssl.default-dh-param", "3.2", 1, "<number>", (g, l) -> g.dhParam = g.integer(l, 1024,
                    16384, g.dhParam)),
            pending("tune.*", "3.2", 1, "<value>"),
            pending("unix-bind", "3.1", 1, "[prefix <prefix>] ..."),
            pending("unsetenv", "3.1", 1, "[<name> ...]"), pending("wurfl-*", "3.1", 1, "<value>"),
            pending("zero-warning", "3.3", 0, "")));

    private final Diagnostics diag;
    /** The TLS defaults bind and server lines read as they are parsed. */
    final SslDefaults ssl = new SslDefaults();
    private int sslCacheSize = Global.SslTuning.DEFAULT.cacheSize();
    private long sslLifetimeMs = Global.SslTuning.DEFAULT.lifetimeMs();
    /** {@code tune.ssl.default-dh-param}, 0 when not set (parsed; the JDK chooses its own DH sizes). */
    private int dhParam;
    private final AddressEnvironment env;
    private int maxconn;
    private int nbthread;
    private boolean daemon;
    /** {@code expose-experimental-directives}: the directives HAProxy 2.6 marks experimental may be used. */
    private boolean experimental;
    private boolean noepoll;
    private String pidfile;
    private int spreadChecks;
    private String node;
    private String description;
    private long hardStopAfter;
    private boolean reusePort = true;
    private boolean masterWorker;
    private String serverStateBase;
    private String serverStateFile;
    private final List<StatsSocket> statsSockets = new ArrayList<>();
    private long statsTimeout = Global.DEFAULT_STATS_TIMEOUT_MS;
    private int statsMaxconn = Global.DEFAULT_STATS_MAXCONN;
    private int ulimitN;
    private Identity identity = Identity.NONE;
    private final List<LogTarget> logs = new ArrayList<>();
    private String logTag;
    private String logHostname;
    private final List<Directive> unimplemented = new ArrayList<>();
    /** {@code set-var} and {@code set-var-fmt} lines, in order. */
    private final List<VarAction> procVars = new ArrayList<>();
    private final SampleParser samples = new SampleParser(PatternFiles.DISK);
    /** The fetches a global {@code set-var} may read: HAProxy's "internal data". */
    private static final Set<FetchKeyword> INTERNAL_FETCHES = EnumSet.of(FetchKeyword.INT,
            FetchKeyword.STR, FetchKeyword.BOOL, FetchKeyword.ENV, FetchKeyword.VAR, FetchKeyword.ALWAYS_TRUE,
            FetchKeyword.ALWAYS_FALSE);

    GlobalSection(Diagnostics diag, AddressEnvironment env) {
        this.diag = diag;
        this.env = env;
    }

    private static Keyword<GlobalSection> supported(String name, String doc, int minArgs, String usage,
                                                    BiConsumer<GlobalSection, Line> handler) {
        return new Keyword<>(name, "", Support.SUPPORTED, doc, minArgs, usage, handler);
    }

    /** A keyword a JVM cannot apply: accepted, with a warning that says why and what does it instead. */
    private static Keyword<GlobalSection> notApplicable(String name, String doc, int minArgs, String usage,
                                                        String why) {
        return new Keyword<>(name, "", Support.NOT_APPLICABLE, doc, minArgs, usage, (g, l) -> g.diag.warning(
                l.source(), "'" + name + "' is not applied: " + why));
    }

    private static Keyword<GlobalSection> pending(String name, String doc, int minArgs, String usage) {
        return pending(name, doc, minArgs, usage, (g, l) -> {
        });
    }

    /** A keyword parsed but not implemented: checked, kept in the model, announced with a warning. */
    private static Keyword<GlobalSection> pending(String name, String doc, int minArgs, String usage,
                                                  BiConsumer<GlobalSection, Line> check) {
        return new Keyword<>(name, "", Support.NOT_IMPLEMENTED, doc, minArgs, usage, check);
    }

    @Override
    public void keyword(Line line) {
        Keyword<GlobalSection> k = TABLE.find(line);
        if (k == null) {
            k = PREFIXES.stream().filter(line.keyword()::startsWith).findFirst()
                    .map(p -> TABLE.find(new Line(line.source(), List.of(p + "*")))).orElse(null);
        }
        if (k == null) {
            diag.alert(line.source(), TABLE.unknown(line, "global"));
            return;
        }
        String name = k.name().endsWith("*") ? line.keyword() : k.name();
        String missing = k.missingArguments(line, name);
        if (missing != null) {
            diag.alert(line.source(), missing);
            return;
        }
        k.handler().accept(this, line);
        if (k.support() == Support.NOT_IMPLEMENTED) {
            unimplemented.add(new Directive(name, line.words().subList(k.nameWords(), line.size()), line.source()));
            diag.warning(line.source(), "'" + name + "' is parsed but not implemented yet; it has no effect");
        }
    }

    /** {@code stats socket <addr> [level user|operator|admin] [mode 660] [other bind options]}. */
    private static void statsSocket(GlobalSection g, Line line) {
        List<dev.bascule.config.model.Bind> at = Addresses.binds(g.env, g.diag, line.source(), line.word(2));
        if (at.size() != 1) {
            if (at.size() > 1) {
                g.diag.alert(line.source(), "'stats socket' takes one address, got '" + line.word(2) + "'");
            }
            return;
        }
        String level = "admin";
        String mode = null;
        boolean exposeFd = false;
        List<String> rest = new ArrayList<>();
        for (int i = 3; i < line.size(); i++) {
            String opt = line.word(i);
            String value = line.word(i + 1);
            if (opt.equals("expose-fd")) {
                if (!"listeners".equals(value)) {
                    g.diag.alert(line.source(), "'stats socket' : 'expose-fd' expects 'listeners', got "
                            + (value == null ? "nothing" : "'" + value + "'"));
                    return;
                }
                exposeFd = true;
                i++;
            } else if (opt.equals("level") || opt.equals("mode")) {
                if (value == null) {
                    g.diag.alert(line.source(), "'stats socket' : '" + opt + "' expects a value");
                    return;
                }
                if (opt.equals("level") && !List.of("user", "operator", "admin").contains(value)) {
                    g.diag.alert(line.source(), "'stats socket' : 'level' expects 'user', 'operator' or 'admin', "
                            + "got '" + value + "'");
                    return;
                }
                if (opt.equals("mode") && !value.matches("[0-7]{3,4}")) {
                    g.diag.alert(line.source(), "'stats socket' : 'mode' expects octal permissions such as 600, "
                            + "got '" + value + "'");
                    return;
                }
                if (opt.equals("level")) {
                    level = value;
                } else {
                    mode = value;
                }
                i++;
            } else {
                rest.add(opt);
            }
        }
        if (!rest.isEmpty()) {
            List<String> words = new ArrayList<>(List.of("stats", "socket", line.word(2)));
            words.addAll(rest);
            List<ServerOptions.Parsed> options = ServerOptions.parse(g.diag, new Line(line.source(), words), 3,
                    ServerOptions.BIND, "stats socket");
            if (options == null) {
                return;
            }
            options.forEach(o -> g.diag.warning(line.source(), "stats socket option '" + o.option().name()
                    + "' is parsed but not implemented yet; it has no effect"));
        }
        g.statsSockets.add(new StatsSocket(line.source(), at.get(0).address(), level, mode, exposeFd));
    }

    private static void log(GlobalSection g, Line line) {
        if (line.word(1).equals("global")) {
            g.diag.alert(line.source(), "'log global' belongs in a proxy section; in 'global', give a target such as "
                    + "'log 127.0.0.1 local0'");
            return;
        }
        LogTarget t = LogConfig.target(g.env, g.diag, line);
        if (t != null) {
            g.logs.add(t);
        }
    }

    /** {@code log-send-hostname [<string>]}: the system's host name when none is given, as HAProxy's. */
    private static void logSendHostname(GlobalSection g, Line line) {
        if (line.word(1) != null) {
            g.logHostname = line.word(1);
            return;
        }
        try {
            g.logHostname = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            g.logHostname = "localhost";
        }
    }

    private static void masterWorker(GlobalSection g, Line line) {
        g.masterWorker = true;
        if (line.size() > 1) {
            g.diag.warning(line.source(), "'master-worker " + line.word(1) + "' is not supported: the master exits "
                    + "with its worker's status when the worker dies; the option is ignored");
        }
    }

    private static void hardStopAfter(GlobalSection g, Line line) {
        try {
            g.hardStopAfter = TimeValue.parseMillis(line.word(1));
        } catch (IllegalArgumentException e) {
            g.diag.alert(line.source(), "'hard-stop-after' : " + e.getMessage());
        }
    }

    /** {@code ssl-default-bind-options} and {@code ssl-default-server-options}: a later line replaces an earlier one. */
    private void defaultOptions(Line line, List<List<String>> into) {
        List<List<String>> options = TlsConfig.defaultOptions(diag, line);
        if (options != null) {
            into.clear();
            into.addAll(options);
        }
    }

    private static void sslServerVerify(GlobalSection g, Line line) {
        switch (line.word(1)) {
            case "none" -> g.ssl.serverVerify = TlsSettings.Verify.NONE;
            case "required" -> g.ssl.serverVerify = TlsSettings.Verify.REQUIRED;
            default -> g.diag.alert(line.source(), "'ssl-server-verify' expects 'none' or 'required', got '"
                    + line.word(1) + "'");
        }
    }

    private static void sslLifetime(GlobalSection g, Line line) {
        try {
            g.sslLifetimeMs = TimeValue.parseMillis(line.word(1));
        } catch (IllegalArgumentException e) {
            g.diag.alert(line.source(), "'tune.ssl.lifetime' : " + e.getMessage());
        }
    }

    private int integer(Line line, int min, int max, int current) {
        if (!Numbers.atMost(diag, line, 2)) {
            return current;
        }
        Integer v = Numbers.parse(diag, line, line.keyword(), line.word(1), min, max);
        return v == null ? current : v;
    }

    /**
     * {@code user}, {@code uid}, {@code group}, {@code gid}: the identity the process serves under (bin/bascule
     * starts the JVM under it, see docs/operations.md). A name is looked up in the account database now; one this
     * system does not have is a warning here, so that a config checked on another machine passes, and an error at
     * startup.
     */
    private void identity(Line line, boolean user, boolean byName) {
        if (!Numbers.atMost(diag, line, 2)) {
            return;
        }
        // HAProxy's test: only a non-zero id counts as given, so 'user root' then 'uid 99' runs as 99.
        if ((user ? identity.uid() : identity.gid()) > 0) {
            diag.warning(line.source(), (user ? "user/uid already specified" : "gid/group was already specified")
                    + ". Continuing: the first one is kept.");
            return;
        }
        String name = line.word(1);
        Integer id;
        if (byName) {
            id = lookUp(user ? "/etc/passwd" : "/etc/group", name);
            if (id == null) {
                diag.warning(line.source(), "'" + line.keyword() + " " + name + "' : no such " + line.keyword()
                        + " on this system (" + (user ? "/etc/passwd" : "/etc/group") + "); Bascule will refuse to "
                        + "start with it, as HAProxy refuses this configuration");
            }
        } else {
            id = Numbers.parse(diag, line, line.keyword(), name, 0, Integer.MAX_VALUE);
            if (id == null) {
                return;
            }
        }
        identity = user ? identity.withUser(name, id) : identity.withGroup(name, id);
    }

    /** The id of {@code name} in a passwd(5) or group(5) file (the third field), or null. */
    private static Integer lookUp(String database, String name) {
        try {
            for (String l : Files.readAllLines(Path.of(database))) {
                String[] f = l.split(":", -1);
                if (f.length > 2 && f[0].equals(name)) {
                    return Integer.valueOf(f[2]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Unreadable or odd database: treated as a name it does not have.
        }
        return null;
    }

    private static void statsTimeout(GlobalSection g, Line line) {
        if (!Numbers.atMost(g.diag, line, 3)) {
            return;
        }
        try {
            long ms = TimeValue.parseMillis(line.word(2));
            if (ms <= 0) {
                g.diag.alert(line.source(), "'stats timeout' expects a positive value");
                return;
            }
            g.statsTimeout = ms;
        } catch (IllegalArgumentException e) {
            g.diag.alert(line.source(), "'stats timeout' : " + e.getMessage());
        }
    }

    /**
     * {@code set-var|set-var-fmt proc.<name> <value>}: a process variable set when the configuration is applied, from
     * what needs no traffic (HAProxy's {@code vars_parse_global_set_var}).
     */
    private void setVar(Line line) {
        String kw = line.keyword();
        VarAction a;
        try {
            a = VarActions.parse(kw + "(" + line.word(1) + ")", line.words().subList(2, line.size()), samples);
        } catch (SampleException e) {
            diag.alert(line.source(), "'" + kw + "' : " + e.getMessage());
            return;
        }
        if (a.var().scope() != VarName.Scope.PROC) {
            diag.alert(line.source(), "'" + kw + "': cannot set variable '" + a.var() + "', only scope 'proc' is "
                    + "permitted in the global section.");
            return;
        }
        List<SampleExpr> read = a.expr() != null ? List.of(a.expr()) : a.format().parts().stream()
                .filter(p -> p instanceof SampleFormat.Sample).map(p -> ((SampleFormat.Sample) p).expr()).toList();
        for (SampleExpr e : read) {
            if (!INTERNAL_FETCHES.contains(e.fetch())) {
                diag.alert(line.source(), "fetch method '" + e.fetch().keyword() + "' extracts information from the "
                        + "traffic, none of which is available in the global section; use int(), str(), bool(), "
                        + "env() or var()");
                return;
            }
        }
        procVars.add(a);
    }

    Global build() {
        return new Global(maxconn, nbthread, daemon, pidfile, noepoll, spreadChecks, node, description,
                serverStateBase, serverStateFile, statsSockets, statsTimeout, statsMaxconn, hardStopAfter, reusePort,
                masterWorker, identity, ulimitN, logs, logTag, logHostname,
                new Global.SslTuning(sslCacheSize, sslLifetimeMs, dhParam), unimplemented, procVars);
    }

    /** Whether {@code expose-experimental-directives} came so far (HAProxy reads it before the lines that need it). */
    boolean experimental() {
        return experimental;
    }
}
