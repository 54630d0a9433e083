package dev.bascule.config;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Backend;
import dev.bascule.config.model.Balance;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.CookieSettings;
import dev.bascule.config.model.Directive;
import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.HttpRule;
import dev.bascule.config.model.LoadServerState;
import dev.bascule.config.model.Mode;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerRules;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.ServerDns;
import dev.bascule.config.model.ServerTls;
import dev.bascule.config.model.Source;
import dev.bascule.config.model.SwitchingRule;
import dev.bascule.config.model.Timeouts;
import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.SampleExpr;

import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A {@code defaults}, {@code frontend}, {@code backend} or {@code listen} section. It starts as a copy of
 * its defaults section, so the model it builds has inheritance already resolved. Its keywords are those of
 * {@link ProxyKeywords}; the handlers below are the ones that do more than keep the line.
 */
final class ProxySection implements Section {
    enum Kind {
        DEFAULTS('D'), FRONTEND('F'), BACKEND('B'), LISTEN('L');

        final char letter;

        Kind(char letter) {
            this.letter = letter;
        }

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean frontend() {
            return this != BACKEND;
        }

        boolean backend() {
            return this != FRONTEND;
        }
    }

    /** Algorithms that hash part of an HTTP request: in mode tcp there is none, and they balance round robin. */
    private static final Set<String> REQUEST_HASHES = Set.of("uri", "url_param", "hdr");
    /** {@code retry-on}'s keywords, in the doc's order. */
    private static final List<String> RETRY_ON = List.of("none", "conn-failure", "empty-response", "junk-response",
            "response-timeout", "0rtt-rejected", "404", "408", "425", "500", "501", "502", "503", "504",
            "all-retryable-errors");
    private static final Set<String> ALGORITHMS = Set.of("roundrobin", "static-rr", "leastconn", "first", "source",
            "uri", "url_param", "hdr", "random", "rdp-cookie", "hash");

    private final Diagnostics diag;
    private final AddressEnvironment env;
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
    private CookieSettings cookie;
    private Set<String> retryOn = Backend.DEFAULT_RETRY_ON;
    /** The {@code id} keyword's value, 0 when the proxy is numbered automatically. */
    int forcedId;
    Source idSource;
    private LoadServerState loadServerState = LoadServerState.NONE;
    /** {@code server-state-file-name}; null for the backend's name. Not inherited from defaults, as in HAProxy. */
    private String serverStateFileName;
    /**
     * Where the lines checked against the section's final mode were written, by keyword (inherited from defaults
     * with the values they set), for {@link #checkBackend()}.
     */
    private final Map<String, Source> writtenAt = new HashMap<>();
    private final List<Directive> frontendDirectives = new ArrayList<>();
    private final List<Directive> backendDirectives = new ArrayList<>();
    /** The {@code http-request} rules (and {@code redirect} lines) a frontend runs, in order. */
    private final List<HttpRule> httpRequest = new ArrayList<>();
    /** The {@code http-response} and {@code http-after-response} rules, in order (defaults may not have them yet). */
    private final List<HttpRule> httpResponse = new ArrayList<>();
    private final List<HttpRule> httpAfterResponse = new ArrayList<>();
    /** The {@code use_backend} rules, in order (not inherited: defaults have none). */
    final List<SwitchingRule> switching = new ArrayList<>();
    final CheckConfig checks;
    final StatsConfig stats;
    final HttpConfig http;
    final LogConfig log;
    /** Which requests {@code http-request use-service prometheus-exporter} answers, or null. */
    private AclCondition prometheus;
    /** The {@code monitor fail} conditions, in order (not inherited: defaults may not have them). */
    private final List<AclCondition> monitorFail = new ArrayList<>();
    /** The section's ACLs and the compiler of its conditions (not inherited: defaults have no ACLs). */
    final AclConfig acls;
    /** Its {@code use-server} lines, in order (a backend's own: not inherited). */
    private final List<ServerRules.UseServer> useServer = new ArrayList<>();
    /** Its {@code force-persist} and {@code ignore-persist} lines, in order. */
    private final List<ServerRules.Persist> persist = new ArrayList<>();
    /** Its {@code tcp-request} lines (the inspect delay inherited from defaults). */
    private final TcpRuleParser tcpRequest;
    private final ServerSettings defaultServer;

    /** The global section's TLS defaults as they stand at each bind and server line. */
    private final SslDefaults ssl;
    /** Whether the global section so far has {@code expose-experimental-directives}. */
    private final java.util.function.BooleanSupplier experimental;

    ProxySection(Diagnostics diag, AddressEnvironment env, Kind kind, String name, Source source,
                 ProxySection defaults, SslDefaults ssl, java.util.function.BooleanSupplier experimental) {
        this.diag = diag;
        this.env = env;
        this.ssl = ssl;
        this.experimental = experimental;
        this.kind = kind;
        this.name = name;
        this.source = source;
        this.checks = new CheckConfig(diag, defaults == null ? null : defaults.checks);
        this.stats = new StatsConfig(diag, defaults == null ? null : defaults.stats);
        this.http = new HttpConfig(diag, defaults == null ? null : defaults.http);
        this.log = new LogConfig(diag, env, defaults == null ? null : defaults.log);
        this.acls = new AclConfig(diag);
        this.tcpRequest = new TcpRuleParser(diag, acls, log, defaults == null ? null : defaults.tcpRequest);
        this.defaultServer = defaults == null ? new ServerSettings() : defaults.defaultServer.copy();
        if (defaults != null) {
            mode = defaults.mode;
            maxconn = defaults.maxconn;
            timeouts = defaults.timeouts;
            defaultBackend = defaults.defaultBackend;
            defaultBackendSource = defaults.defaultBackendSource;
            balance = defaults.balance;
            retries = defaults.retries;
            redispatchInterval = defaults.redispatchInterval;
            cookie = defaults.cookie;
            retryOn = defaults.retryOn;
            loadServerState = defaults.loadServerState;
            writtenAt.putAll(defaults.writtenAt);
            frontendDirectives.addAll(defaults.frontendDirectives);
            backendDirectives.addAll(defaults.backendDirectives);
        }
    }

    @Override
    public void keyword(Line line) {
        boolean negated = line.keyword().equals("no");
        Line l = negated || line.keyword().equals("default")
                ? new Line(line.source(), line.words().subList(1, line.size())) : line;
        if (l.size() == 0) {
            diag.alert(line.source(), "'" + line.keyword() + "' expects an option, e.g. 'no option httplog'");
            return;
        }
        Keyword<ProxySection> k = ProxyKeywords.TABLE.find(l);
        if (k == null) {
            diag.alert(line.source(), ProxyKeywords.TABLE.unknown(l, kind.word()));
            return;
        }
        if (!permitted(k, line.source())) {
            return;
        }
        if (negated && !k.name().startsWith("option ") && !k.name().equals("log")) {
            diag.alert(line.source(), "'no' applies to 'option' and 'log' lines, not to '" + k.name() + "'");
            return;
        }
        String missing = negated ? null : k.missingArguments(l, k.name());
        if (missing != null) {
            diag.alert(line.source(), missing);
            return;
        }
        if (negated && k.name().equals("log")) {
            log.noLog();
            return;
        }
        if (negated && k.support() == Support.SUPPORTED) {
            negate(k.name());
            return;
        }
        k.handler().accept(this, l);
        if (k.support() == Support.NOT_IMPLEMENTED) {
            String named = negated ? "no " + k.name() : k.name();
            keep(k, new Directive(named, l.words().subList(k.nameWords(), l.size()), line.source()));
            diag.warning(line.source(), "'" + named + "' is parsed but not implemented yet; it has no effect");
        }
    }

    /** {@code no option X} for the options Bascule acts upon. */
    private void negate(String option) {
        if (option.equals("option redispatch")) {
            redispatchInterval = 0;
        } else if (option.equals("option forwardfor")) {
            http.negateForwardFor();
        } else if (option.equals("option originalto")) {
            http.negateOriginalTo();
        } else if (List.of("option httpclose", "option http-server-close", "option http-keep-alive").contains(option)) {
            http.negateConnectionMode();
        } else if (List.of("option httplog", "option httpslog", "option tcplog").contains(option)) {
            log.negateFormat();
        } else if (option.equals("option http-buffer-request")) {
            http.bufferRequest(false);
        } else if (option.equals("option dontlognull")) {
            log.dontLogNull(false);
        } else if (option.equals("option log-separate-errors")) {
            log.separateErrors(false);
        } else if (option.equals("option dontlog-normal")) {
            log.dontLogNormal(false);
        } else if (option.equals("option logasap")) {
            log.logAsap(false);
        } else {
            checks.negate(option);
        }
    }

    /** HAProxy's section rules: an error where a keyword is never valid, a warning where it is only useless. */
    private boolean permitted(Keyword<ProxySection> k, Source at) {
        if (k.allows(kind.letter)) {
            return true;
        }
        if (kind == Kind.BACKEND && k.frontendOnly() || kind == Kind.FRONTEND && k.backendOnly()) {
            diag.warning(at, "'" + k.name() + "' ignored because " + kind.word() + " '" + name + "' has no "
                    + (kind == Kind.BACKEND ? "frontend" : "backend") + " capability");
        } else {
            diag.alert(at, "'" + k.name() + "' not allowed in '" + kind.word() + "' section; it belongs in "
                    + sectionsOf(k));
        }
        return false;
    }

    private static String sectionsOf(Keyword<?> k) {
        List<String> names = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            if (k.allows(kind.letter)) {
                names.add(kind.word());
            }
        }
        return String.join(", ", names);
    }

    private void keep(Keyword<ProxySection> k, Directive d) {
        if (k.allows('F')) {
            frontendDirectives.add(d);
        }
        if (k.allows('B') || !k.allows('F')) {
            backendDirectives.add(d);
        }
    }

    void addBinds(Line line, String list) {
        binds.addAll(Addresses.binds(env, diag, line.source(), list));
    }

    void bind(Line line) {
        dev.bascule.config.model.BindOptions options = BindConfig.parse(diag, line, ssl, name);
        if (options != null) {
            Addresses.binds(env, diag, line.source(), line.word(1)).forEach(b -> binds.add(b.withOptions(options)));
        }
    }

    void mode(Line line) {
        if (!Numbers.atMost(diag, line, 2)) {
            return;
        }
        String m = line.word(1);
        if ("tcp".equals(m)) {
            mode = Mode.TCP;
        } else if ("http".equals(m)) {
            mode = Mode.HTTP;
        } else if ("health".equals(m)) {
            diag.alert(line.source(), "'mode health' was removed in HAProxy 2.4; use 'http-request return' or "
                    + "'monitor-uri' instead");
        } else {
            diag.alert(line.source(), "unknown proxy mode '" + m + "'; expected 'tcp' or 'http'");
        }
    }

    void defaultBackend(Line line) {
        defaultBackend = line.word(1);
        defaultBackendSource = line.source();
    }

    void maxconn(Line line) {
        if (!Numbers.atMost(diag, line, 2)) {
            return;
        }
        Integer v = Numbers.parse(diag, line, "maxconn", line.word(1), 0, Integer.MAX_VALUE);
        if (v != null) {
            maxconn = v;
        }
    }

    void retries(Line line) {
        if (!Numbers.atMost(diag, line, 2)) {
            return;
        }
        Integer v = Numbers.parse(diag, line, "retries", line.word(1), 0, Integer.MAX_VALUE);
        if (v != null) {
            retries = v;
        }
    }

    void server(Line line) {
        String serverName = line.word(1);
        String owner = "server " + name + "/" + serverName;
        ServerSettings settings = serverSettings(line, 3, owner);
        ServerTls tls = settings == null ? null : serverTls(line, owner, settings);
        if (settings != null && !settings.failed()) {
            addServer(line, serverName, line.word(2), settings, tls);
        }
    }

    /** The options of a server line over {@code default-server}, or null after an alert. */
    private ServerSettings serverSettings(Line line, int from, String owner) {
        ServerSettings settings = defaultServer.copy();
        return settings.apply(diag, line, from, owner, ssl) ? settings : null;
    }

    /** The TLS of a server line's options ({@code sni} compiled), or null; {@code settings.failed()} after an alert. */
    private ServerTls serverTls(Line line, String owner, ServerSettings settings) {
        SampleExpr sni = settings.sni() == null ? null : acls.expression(line, settings.sni(), "sni");
        if (settings.sni() != null && sni == null) {
            settings.fail();
            return null;
        }
        return settings.tls(diag, line, owner, ssl, sni);
    }

    private void addServer(Line line, String serverName, String addressText, ServerSettings settings,
                           ServerTls tls) {
        String owner = "server " + name + "/" + serverName;
        ServerCheck check = settings.check(diag, line, owner);
        if (check == null) {
            return;
        }
        for (Server s : servers) {
            if (s.name().equals(serverName)) {
                diag.alert(line.source(), "backend '" + name + "' has the same server name '" + serverName
                        + "' declared at " + s.source() + "; server names must be unique within a backend");
                return;
            }
        }
        Address address = Addresses.server(env, diag, line.source(), owner, addressText);
        if (address != null) {
            for (Server s : servers) {
                if (settings.id != 0 && s.id() == settings.id) {
                    diag.alert(line.source(), "'" + owner + "' : custom id " + settings.id + " already used by "
                            + "server '" + s.name() + "' at " + s.source() + "; ids must be unique within a backend");
                    return;
                }
            }
            servers.add(new Server(serverName, line.source(), address, settings.id, settings.id != 0, settings.weight,
                    settings.maxconn, settings.maxqueue, settings.backup, settings.disabled, settings.cookie, check,
                    tls, settings.unimplemented, settings.dns, settings.sendProxy()));
        }
    }

    void defaultServer(Line line) {
        defaultServer.apply(diag, line, 1, "default-server", ssl);
        if (defaultServer.id != 0) {
            diag.alert(line.source(), "'default-server' : 'id' is a server's own; write it on each server line");
            defaultServer.id = 0;
        }
    }

    /**
     * {@code server-template <prefix> <num | range> <fqdn>[:<port>] [params*]}: the servers {@code <prefix>1} to
     * {@code <prefix><num>} (or over the range), each as a server line with that address and those options, which
     * the resolvers fill at run time.
     */
    void serverTemplate(Line line) {
        String prefix = line.word(1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(?:-(\\d{1,9}))?").matcher(line.word(2));
        int low = m.matches() ? (m.group(2) == null ? 1 : Integer.parseInt(m.group(1))) : 0;
        int high = m.matches() ? Integer.parseInt(m.group(m.group(2) == null ? 1 : 2)) : 0;
        if (!m.matches() || low < 1 || high < low) {
            diag.alert(line.source(), "'server-template " + prefix + "' : '" + line.word(2)
                    + "' is not a number of servers or a range such as 1-5");
            return;
        }
        String owner = "server-template " + prefix;
        ServerSettings settings = serverSettings(line, 4, owner);
        ServerTls tls = settings == null ? null : serverTls(line, owner, settings);
        if (settings == null || settings.failed()) {
            return;
        }
        if (settings.id != 0 && high > low) {
            diag.alert(line.source(), "'server-template " + prefix + "' : 'id' would give the same id to every server "
                    + "of the template; leave it out");
            return;
        }
        for (int i = low; i <= high; i++) {
            addServer(line, prefix + i, line.word(3), settings, tls);
        }
    }

    /** Every server naming a {@code resolvers} section names one that exists; an SRV label needs one. */
    void checkResolvers(Backend built, java.util.Set<String> sections) {
        for (Server s : built.servers()) {
            String wanted = s.dns().resolvers();
            if (wanted != null && !sections.contains(wanted)) {
                String near = KeywordTable.nearest(wanted, sections);
                diag.alert(s.source(), "backend '" + name + "', server '" + s.name() + "': unable to find required "
                        + "resolvers '" + wanted + "'" + (near == null
                        ? "; declare a 'resolvers " + wanted + "' section" : "; did you mean '" + near + "' maybe ?"));
            } else if (wanted == null && ServerDns.isSrvLabel(s.address().hostname())) {
                diag.alert(s.source(), "backend '" + name + "', server '" + s.name() + "': '" + s.address().host()
                        + "' is an SRV label, which only a resolvers section can look up; add 'resolvers <name>'");
            }
        }
    }

    /** {@code id <value>}: the proxy's numeric id in the stats and the state file; unique among proxies. */
    void id(Line line) {
        if (!Numbers.atMost(diag, line, 2)) {
            return;
        }
        Integer v = Numbers.parse(diag, line, "id", line.word(1), 1, Integer.MAX_VALUE);
        if (v != null) {
            forcedId = v;
            idSource = line.source();
        }
    }

    /** {@code load-server-state-from-file { global | local | none }}. */
    void loadServerStateFromFile(Line line) {
        try {
            loadServerState = LoadServerState.valueOf(line.word(1).toUpperCase(Locale.ROOT));
            writtenAt.put("load-server-state-from-file", line.source());
        } catch (IllegalArgumentException e) {
            diag.alert(line.source(), "'load-server-state-from-file' expects 'global', 'local' or 'none', got '"
                    + line.word(1) + "'");
        }
    }

    /** {@code server-state-file-name [ { use-backend-name | <file> } ]}: the file 'local' reads. */
    void serverStateFileName(Line line) {
        if (line.size() > 2) {
            diag.alert(line.source(), "'server-state-file-name' takes one file name, got also '" + line.word(2)
                    + "'; quote a name that has spaces");
            return;
        }
        if (kind == Kind.DEFAULTS) {
            diag.warning(line.source(), "'server-state-file-name' is not inherited from a defaults section (as in "
                    + "HAProxy), so it has no effect here; write it in each backend that loads a local state file");
            return;
        }
        String file = line.word(1);
        serverStateFileName = file == null || file.equals("use-backend-name") ? null : file;
    }

    void balance(Line line) {
        if (line.word(1) == null) {
            // HAProxy reads a bare 'balance' as roundrobin.
            balance = Balance.ROUNDROBIN;
            return;
        }
        String algo = line.word(1);
        String base = algo.replaceAll("\\(.*", "");
        if (!ALGORITHMS.contains(base)) {
            String near = KeywordTable.nearest(base, ALGORITHMS);
            diag.alert(line.source(), "'balance' : unknown algorithm '" + algo + "'; expected one of roundrobin, "
                    + "static-rr, leastconn, first, source, uri, url_param, hdr(<name>), random, rdp-cookie, hash"
                    + (near == null ? "" : "; did you mean '" + near + "' maybe ?"));
            return;
        }
        if (base.equals("rdp-cookie")) {
            diag.warning(line.source(), "'balance rdp-cookie' is parsed but not implemented yet; 'roundrobin' is "
                    + "used instead");
        }
        if (base.equals("random") && algo.contains("(") && !algo.matches("random\\(\\d+\\)")) {
            diag.alert(line.source(), "'balance random' expects a number of draws, as in 'random(2)'");
            return;
        }
        List<String> arguments = line.words().subList(2, line.size());
        String wrong = BalanceArguments.check(algo, arguments);
        if (wrong != null) {
            diag.alert(line.source(), "'balance " + base + "' : " + wrong);
            return;
        }
        if (arguments.contains("check_post")) {
            diag.warning(line.source(), "'balance url_param' : 'check_post' is parsed but not implemented yet; only "
                    + "the query string is hashed");
        }
        if (base.equals("hash")) {
            SampleExpr expression = acls.expression(line, arguments.get(0), "balance hash");
            if (expression == null) {
                return;
            }
            balance = balance.withExpression(arguments, expression);
        } else {
            balance = balance.withAlgorithm(algo, arguments);
        }
        writtenAt.put("balance", line.source());
    }

    void hashBalanceFactor(Line line) {
        Integer v = Numbers.parse(diag, line, "hash-balance-factor", line.word(1), 0, 65535);
        if (v != null && v != 0 && v <= 100) {
            diag.alert(line.source(), "'hash-balance-factor' must be 0 (off) or above 100, got " + v);
        } else if (v != null) {
            balance = balance.withBalanceFactor(v);
            writtenAt.put("hash-balance-factor", line.source());
        }
    }

    void cookie(Line line) {
        CookieSettings c = CookieConfig.parse(diag, line);
        if (c != null) {
            cookie = c;
            writtenAt.put("cookie", line.source());
        }
    }

    /** {@code retry-on <keywords>}: when a request is sent again (doc section 4.2). */
    void retryOn(Line line) {
        Set<String> on = new java.util.LinkedHashSet<>();
        for (String w : line.words().subList(1, line.size())) {
            if (!RETRY_ON.contains(w)) {
                String near = KeywordTable.nearest(w, RETRY_ON);
                diag.alert(line.source(), "'retry-on' : unknown keyword '" + w + "'; expected one of "
                        + String.join(", ", RETRY_ON) + (near == null ? "" : "; did you mean '" + near + "' maybe ?"));
                return;
            }
            if (w.equals("none") && line.size() > 2) {
                diag.alert(line.source(), "'retry-on' : 'none' must be used alone");
                return;
            }
            switch (w) {
                case "all-retryable-errors" -> on.addAll(List.of("conn-failure", "empty-response", "response-timeout",
                        "0rtt-rejected", "500", "502", "503", "504"));
                default -> on.add(w);
            }
        }
        on.remove("none");
        retryOn = on;
        writtenAt.put("retry-on", line.source());
    }

    /** {@code hash-type <map-based|consistent> [sdbm|djb2|wt6|crc32] [avalanche]}. */
    void hashType(Line line) {
        String type = line.word(1);
        if (!type.equals("map-based") && !type.equals("consistent")) {
            diag.alert(line.source(), "'hash-type' expects 'map-based' or 'consistent', got '" + type + "'");
            return;
        }
        String function = line.word(2) == null ? "sdbm" : line.word(2);
        if (!Set.of("sdbm", "djb2", "wt6", "crc32").contains(function)) {
            diag.alert(line.source(), "'hash-type' : unknown hash function '" + function + "'; expected sdbm, djb2, "
                    + "wt6 or crc32");
            return;
        }
        String modifier = line.word(3);
        if (modifier != null && !modifier.equals("avalanche")) {
            diag.alert(line.source(), "'hash-type' : unknown modifier '" + modifier + "'; expected 'avalanche'");
            return;
        }
        // Without a function, consistent hashing avalanches by default (HAProxy's behaviour).
        boolean avalanche = modifier != null || line.word(2) == null && type.equals("consistent");
        balance = balance.withHashType(type, function, avalanche);
    }

    void timeout(Line line) {
        if (timeoutArguments(line)) {
            setTimeout(line, line.word(1), line.word(2));
        }
    }

    private void setTimeout(Line line, String which, String value) {
        long ms;
        try {
            ms = TimeValue.parseMillis(value);
        } catch (IllegalArgumentException e) {
            diag.alert(line.source(), "'timeout " + which + "' : " + e.getMessage());
            return;
        }
        timeouts = switch (which) {
            case "connect" -> timeouts.withConnect(ms);
            case "client" -> timeouts.withClient(ms);
            case "server" -> timeouts.withServer(ms);
            case "queue" -> timeouts.withQueue(ms);
            case "http-request" -> timeouts.withHttpRequest(ms);
            case "http-keep-alive" -> timeouts.withHttpKeepAlive(ms);
            case "tunnel" -> timeouts.withTunnel(ms);
            case "tarpit" -> timeouts.withTarpit(ms);
            default -> throw new IllegalArgumentException(which);
        };
    }

    /** {@code timeout NAME VALUE} and nothing after: HAProxy's wording for a stray word. */
    boolean timeoutArguments(Line line) {
        if (line.size() <= 3) {
            return true;
        }
        diag.alert(line.source(), "'timeout " + line.word(1) + "' : unexpected extra argument '" + line.word(3)
                + "' after value '" + line.word(2) + "'.");
        return false;
    }

    void checkTime(Line line) {
        if (!timeoutArguments(line)) {
            return;
        }
        try {
            TimeValue.parseMillis(line.word(2));
        } catch (IllegalArgumentException e) {
            diag.alert(line.source(), "'timeout " + line.word(1) + "' : " + e.getMessage());
        }
    }

    void redispatch(Line line) {
        String interval = line.word(2);
        if (interval == null) {
            redispatchInterval = -1;
            return;
        }
        Integer v = Numbers.parse(diag, line, "option redispatch", interval, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (v != null) {
            redispatchInterval = v;
        }
    }

    void stats(Line line) {
        if ("admin".equals(line.word(1))) {
            AclCondition admin = acls.condition(line, 2, "stats admin");
            if (admin != null) {
                stats.admin(admin);
            }
            return;
        }
        stats.keyword(line);
    }

    /** {@code http-request use-service prometheus-exporter [{ if | unless } <condition>]}: the one service of 2.6. */
    void useService(Line line) {
        if (!"prometheus-exporter".equals(line.word(2))) {
            diag.alert(line.source(), "'http-request use-service' : unknown service '" + line.word(2) + "'; "
                    + "the one service is 'prometheus-exporter'");
            return;
        }
        AclCondition c = acls.condition(line, 3, "http-request use-service");
        if (c != null) {
            prometheus = c;
        }
    }

    /**
     * {@code monitor fail { if | unless } <condition>}: the {@code monitor-uri} answers 503 instead of 200 while the
     * condition holds, so that what asks (keepalived, a hardware balancer) learns more than that the process runs.
     */
    void monitorFail(Line line) {
        if (!dev.bascule.config.sample.ConditionParser.starts(line.word(2))) {
            diag.alert(line.source(), "'monitor fail' requires either 'if' or 'unless' followed by a condition, "
                    + "such as 'monitor fail if { nbsrv(<backend>) lt 1 }'");
            return;
        }
        if (!httpRequest.isEmpty()) {
            diag.warning(line.source(), "a 'monitor fail' rule placed after an 'http-request' rule will still be "
                    + "processed before");
        }
        AclCondition c = acls.condition(line, 2, "monitor fail");
        if (c != null) {
            monitorFail.add(c);
        }
    }

    /** In a backend, where its health-check and server-state messages go (traffic is the frontend's to log). */
    void log(Line line) {
        log.log(line);
    }

    /**
     * {@code http-request <action> ... [{if | unless} <condition>]}: the actions {@link HttpRuleParser} knows, in a
     * frontend, listen or backend section (a backend's run once a request is routed to it, after the frontend's);
     * other actions, and rules of defaults sections, are kept as not implemented yet.
     */
    void httpRequest(Line line) {
        String action = VarActions.actionName(line.word(1));
        if (!HttpRuleParser.REQUEST_ACTIONS.contains(action) || kind == Kind.DEFAULTS) {
            notImplemented(line, "http-request " + action + (HttpRuleParser.REQUEST_ACTIONS.contains(action)
                    ? " in a " + kind.word() + " section" : ""));
            return;
        }
        if (action.equals("normalize-uri") && !experimental.getAsBoolean()) {
            diag.alert(line.source(), "'http-request normalize-uri' : the action is experimental in HAProxy 2.6 and "
                    + "must be allowed via a global 'expose-experimental-directives'");
            return;
        }
        HttpRuleParser rules = new HttpRuleParser(diag, acls, kind == Kind.BACKEND ? null : log,
                kind != Kind.FRONTEND);
        HttpRule rule = rules.parse(line, 1, "http-request");
        if (rule != null) {
            httpRequest.add(rule);
        }
    }

    /**
     * {@code http-response <action> ...} and {@code http-after-response <action> ...}: the actions
     * {@link HttpRuleParser#actions} names, in any proxy section (a backend's run before the frontend's); other
     * actions, and rules of defaults sections, are kept as not implemented yet.
     */
    void httpResponse(Line line) {
        String keyword = line.keyword();
        String action = VarActions.actionName(line.word(1));
        boolean known = HttpRuleParser.actions(keyword).contains(action);
        if (!known || kind == Kind.DEFAULTS) {
            notImplemented(line, keyword + " " + action + (known ? " in a defaults section" : ""));
            return;
        }
        HttpRule rule = new HttpRuleParser(diag, acls).parse(line, 1, keyword, kind != Kind.FRONTEND);
        if (rule != null) {
            (keyword.equals("http-response") ? httpResponse : httpAfterResponse).add(rule);
        }
    }

    /** Once every section is read: the {@code errorfiles <name>} replies of the rules become the section's pages. */
    void resolveReplies(java.util.function.Function<String, Map<Integer, dev.bascule.config.model.ErrorPage>> sections) {
        for (List<HttpRule> rules : List.of(httpRequest, httpResponse)) {
            rules.replaceAll(r -> HttpRuleParser.resolved(r, name, diag, sections));
            rules.removeIf(java.util.Objects::isNull);
        }
    }

    /** Rules with their named ACLs resolved, as the model keeps them. */
    private List<HttpRule> resolved(List<HttpRule> rules) {
        return rules.stream().map(r -> new HttpRule(r.action(), acls.resolved(r.condition()), r.source())).toList();
    }

    /**
     * {@code tcp-request inspect-delay|connection|session|content ...}: a frontend's or listen section's rules; the
     * content rules of a backend and the rules of a named defaults section are kept as not implemented yet.
     */
    void tcpRequest(Line line) {
        String proxy = kind.word() + " '" + name + "'";
        boolean delay = line.word(1).equals("inspect-delay");
        if (kind == Kind.DEFAULTS && name == null) {
            diag.alert(line.source(), "tcp-request " + line.word(1) + " is not allowed in anonymous 'defaults' sections");
            return;
        }
        if (delay) {
            tcpRequest.inspectDelay(line, proxy);
        } else if (kind == Kind.BACKEND || kind == Kind.DEFAULTS) {
            notImplemented(line, "tcp-request " + line.word(1) + " in a " + kind.word() + " section");
        } else if (!tcpRequest.rule(line, proxy)) {
            notImplemented(line, "tcp-request " + line.word(1) + " " + line.word(2));
        }
    }

    /** {@code use-server <server> {if | unless} <condition>}: the server is checked once the section is complete. */
    void useServer(Line line) {
        if (line.size() < 3 || !dev.bascule.config.sample.ConditionParser.starts(line.word(2))) {
            diag.alert(line.source(), "'use-server' requires either 'if' or 'unless' followed by a condition.");
            return;
        }
        if (line.word(1).contains("%[")) {
            notImplemented(line, "use-server with a name built from a sample");
            return;
        }
        AclCondition c = acls.condition(line, 2, "use-server");
        if (c != null) {
            useServer.add(new ServerRules.UseServer(line.word(1), c, line.source()));
        }
    }

    /** {@code force-persist|ignore-persist {if | unless} <condition>}. */
    void persistRule(Line line) {
        if (line.size() < 2 || !dev.bascule.config.sample.ConditionParser.starts(line.word(1))) {
            diag.alert(line.source(), "'" + line.keyword() + "' requires either 'if' or 'unless' followed by a "
                    + "condition.");
            return;
        }
        AclCondition c = acls.condition(line, 1, line.keyword());
        if (c != null) {
            persist.add(new ServerRules.Persist(line.keyword().equals("force-persist"), c, line.source()));
        }
    }

    /** {@code redirect ...}: an {@code http-request redirect} rule, run among them in the order written. */
    void redirect(Line line) {
        HttpRule rule = new HttpRuleParser(diag, acls).parse(line, 0, "redirect");
        if (rule != null) {
            httpRequest.add(rule);
        }
    }

    /** A supported keyword used in a form not implemented yet: kept in the model with the usual warning. */
    private void notImplemented(Line line, String what) {
        keep(ProxyKeywords.TABLE.find(line), new Directive(line.keyword(), line.words().subList(1, line.size()),
                line.source()));
        diag.warning(line.source(), "'" + what + "' is parsed but not implemented yet; it has no effect");
    }

    /** {@code use_backend <backend> [{if | unless} <condition>]}, the name possibly built with one {@code %[expr]}. */
    void useBackend(Line line) {
        String name = line.word(1);
        if (line.size() > 2 && !dev.bascule.config.sample.ConditionParser.starts(line.word(2))) {
            diag.alert(line.source(), "'use_backend' : expects 'if' or 'unless' after the backend name, got '"
                    + line.word(2) + "'; quote a name that has spaces");
            return;
        }
        AclCondition condition = acls.condition(line, 2, "use_backend");
        if (condition == null) {
            return;
        }
        int open = name.indexOf("%[");
        if (open < 0) {
            switching.add(new SwitchingRule(name, null, "", "", condition, line.source()));
            return;
        }
        int close = name.indexOf(']', open);
        if (close < 0 || name.indexOf("%[", close) >= 0) {
            diag.alert(line.source(), "'use_backend' : '" + name + "' must hold one complete '%[<expression>]'");
            return;
        }
        SampleExpr expr = acls.expression(line, name.substring(open + 2, close), "use_backend");
        if (expr != null) {
            switching.add(new SwitchingRule(name, expr, name.substring(0, open), name.substring(close + 1), condition,
                    line.source()));
        }
    }

    void legacyTimeout(Line line) {
        String modern = switch (line.keyword()) {
            case "contimeout" -> "connect";
            case "clitimeout" -> "client";
            default -> "server";
        };
        diag.warning(line.source(), "the '" + line.keyword() + "' keyword is deprecated since HAProxy 1.5 and "
                + "removed in 2.1; use 'timeout " + modern + "' instead");
        setTimeout(line, modern, line.word(1));
    }

    void legacyRedispatch(Line line) {
        diag.warning(line.source(), "keyword 'redispatch' is deprecated since HAProxy 1.4; "
                + "use 'option redispatch' instead");
        redispatchInterval = -1;
    }

    void legacyForceClose(Line line) {
        diag.warning(line.source(), "'option forceclose' is deprecated since HAProxy 1.8 and removed in 2.0; "
                + "read as 'option httpclose', which is parsed but not implemented yet");
        keep(ProxyKeywords.TABLE.find(new Line(line.source(), List.of("option", "httpclose"))),
                new Directive("option httpclose", List.of(), line.source()));
    }

    void legacyTransparent(Line line) {
        diag.warning(line.source(), "the 'transparent' keyword is deprecated; read as 'option transparent', which "
                + "is parsed but not implemented yet");
        keep(ProxyKeywords.TABLE.find(new Line(line.source(), List.of("option", "transparent"))),
                new Directive("option transparent", List.of(), line.source()));
    }

    /** {@code reqadd "Name: value"} is exactly {@code http-request add-header Name value}; rspadd likewise. */
    void legacyHeaderAdd(Line line) {
        String header = line.word(1);
        int colon = header.indexOf(':');
        String rule = line.keyword().equals("reqadd") ? "http-request" : "http-response";
        if (colon <= 0) {
            diag.alert(line.source(), "'" + line.keyword() + "' was removed in HAProxy 2.1 and '" + header
                    + "' is not a 'Name: value' header; write '" + rule + " add-header <name> <value>'");
            return;
        }
        List<String> words = new ArrayList<>(List.of(rule, "add-header", header.substring(0, colon).trim(),
                header.substring(colon + 1).trim()));
        words.addAll(line.words().subList(2, line.size()));
        legacyAs(line, new Line(line.source(), words), "removed in HAProxy 2.1");
    }

    /** {@code block if COND} is exactly {@code http-request deny if COND}. */
    void legacyBlock(Line line) {
        List<String> words = new ArrayList<>(List.of("http-request", "deny"));
        words.addAll(line.words().subList(1, line.size()));
        legacyAs(line, new Line(line.source(), words), "removed in HAProxy 2.1");
    }

    /**
     * A removed keyword read as the modern rule it stands for, with a warning that names it; the rule then goes
     * through this section's keyword table as if written so (where that action is not implemented yet, its own
     * warning follows).
     */
    private void legacyAs(Line legacy, Line modern, String removed) {
        diag.warning(legacy.source(), "'" + legacy.keyword() + "' was " + removed + "; read as '"
                + String.join(" ", modern.words()) + "', which HAProxy 2.6 needs written instead");
        keyword(modern);
    }

    /** {@code reqrep|reqirep|rsprep|rspirep} whose regex takes one header's value: {@code ^Name:\ <regex>}. */
    private static final java.util.regex.Pattern HEADER_VALUE = java.util.regex.Pattern.compile(
            "\\^([!#$%&'*+.^_`|~0-9A-Za-z-]+): (.*)");

    /**
     * {@code reqrep ^Name:\ <regex> Name:\ <replacement>} (the same header on both sides) is exactly {@code
     * http-request replace-header Name ^<regex> <replacement>}: the regex then runs on the value, its groups numbered
     * alike; {@code reqirep} adds {@code (?i)}, {@code rsprep} and {@code rspirep} are {@code http-response}'s. Any other
     * regex (the request line, several headers) is HAProxy's alert.
     */
    void legacyReplace(Line line) {
        String kw = line.keyword();
        java.util.regex.Matcher search = line.size() < 3 ? null : HEADER_VALUE.matcher(line.word(1));
        String name = search != null && search.matches() ? search.group(1) : null;
        String prefix = name + ": ";
        if (name == null || !line.word(2).regionMatches(true, 0, prefix, 0, prefix.length())
                || line.size() > 3 && !dev.bascule.config.sample.ConditionParser.starts(line.word(3))) {
            legacyRemoved(line);
            return;
        }
        List<String> words = new ArrayList<>(List.of(kw.startsWith("req") ? "http-request" : "http-response",
                "replace-header", name, (kw.contains("irep") ? "(?i)" : "") + "^" + search.group(2),
                line.word(2).substring(prefix.length())));
        words.addAll(line.words().subList(3, line.size()));
        legacyAs(line, new Line(line.source(), words), "removed in HAProxy 2.1 (HAProxy 2.6 refuses it)");
    }

    /** HAProxy 2.6's replacement for each removed header-regex keyword, as its alert names it. */
    private static final Map<String, String> REPLACEMENTS = Map.ofEntries(
            Map.entry("reqrep", "'http-request replace-path', 'http-request replace-uri' or 'http-request "
                    + "replace-header'"),
            Map.entry("reqirep", "'http-request replace-path', 'http-request replace-uri' or 'http-request "
                    + "replace-header'"),
            Map.entry("reqdel", "'http-request del-header'"), Map.entry("reqidel", "'http-request del-header'"),
            Map.entry("reqallow", "'http-request allow'"), Map.entry("reqiallow", "'http-request allow'"),
            Map.entry("reqdeny", "'http-request deny'"), Map.entry("reqideny", "'http-request deny'"),
            Map.entry("reqtarpit", "'http-request tarpit'"), Map.entry("reqitarpit", "'http-request tarpit'"),
            Map.entry("reqsetbe", "'use_backend'"), Map.entry("reqisetbe", "'use_backend'"),
            Map.entry("rsprep", "'http-response replace-header'"), Map.entry("rspirep", "'http-response replace-header'"),
            Map.entry("rspdel", "'http-response del-header'"), Map.entry("rspidel", "'http-response del-header'"),
            Map.entry("rspdeny", "'http-response deny'"), Map.entry("rspideny", "'http-response deny'"));
    /** A removed keyword's regex that takes a whole header by its name: {@code ^X-Name:}, {@code ^X-Name:.*}. */
    private static final java.util.regex.Pattern WHOLE_HEADER = java.util.regex.Pattern.compile(
            "\\^([!#$%&'*+.^_`|~0-9A-Za-z-]+):(\\.\\*)?\\$?");

    /**
     * {@code reqdel}, {@code reqidel}, {@code rspdel}, {@code rspidel}: HAProxy 2.6 refuses them; Bascule reads one
     * whose regex takes a whole header by name as the {@code del-header} rule it stands for (header names match in
     * any case there, as HAProxy 2.x compares them), with a warning naming it; any other regex is HAProxy's alert.
     */
    void legacyDelete(Line line) {
        String kw = line.keyword();
        java.util.regex.Matcher m = line.size() < 2 ? null : WHOLE_HEADER.matcher(line.word(1));
        if (m == null || !m.matches() || line.size() > 2 && !dev.bascule.config.sample.ConditionParser.starts(
                line.word(2))) {
            legacyRemoved(line);
            return;
        }
        List<String> words = new ArrayList<>(List.of(kw.startsWith("req") ? "http-request" : "http-response",
                "del-header", m.group(1)));
        words.addAll(line.words().subList(2, line.size()));
        legacyAs(line, new Line(line.source(), words), "removed in HAProxy 2.1 (HAProxy 2.6 refuses it)");
    }

    void legacyRemoved(Line line) {
        String kw = line.keyword();
        if (kw.equals("monitor-net")) {
            diag.alert(line.source(), "'monitor-net' was removed in HAProxy 2.0 and has no exact modern form; rewrite "
                    + "it with 'http-request return status 200 if { src <net> }' or 'tcp-request connection accept if "
                    + "{ src <net> }'");
            return;
        }
        String use = REPLACEMENTS.get(kw);
        diag.alert(line.source(), "The '" + kw + "' directive is not supported anymore since HAProxy 2.1. "
                + (use == null ? "" : "Use " + use + " instead.") + " Bascule translates only " + (kw.contains("del")
                ? "a regex that takes a whole header by its name ('^X-Name:.*')" : kw.contains("rep")
                ? "a regex on one header's value ('^X-Name:\\ (.*)' to 'X-Name:\\ ...')" : "'reqdel', 'reqrep' and "
                + "their 'rsp' and case-insensitive forms on one header") + "; write the rule by hand.");
    }

    Source defaultBackendSource() {
        return defaultBackendSource;
    }

    /** @param id the proxy's id, as {@link AutomaticIds} numbers proxies around the forced ones */
    Frontend frontend(int id) {
        // A listen section serves its own servers unless it routes elsewhere with default_backend.
        String target = kind == Kind.LISTEN && defaultBackend == null ? name : defaultBackend;
        return new Frontend(name, source, id, forcedId != 0, mode, binds, maxconn, timeouts, target, stats.build(acls::resolved), acls.resolved(prometheus),
                http.build(resolved(httpResponse), resolved(httpAfterResponse)),
                monitorFail.stream().map(acls::resolved).toList(), log.build(name, mode),
                switching.stream().map(r -> new SwitchingRule(r.backend(), r.dynamic(), r.prefix(), r.suffix(),
                        acls.resolved(r.condition()), r.source())).toList(),
                resolved(httpRequest), tcpRequest.build(), frontendDirectives);
    }

    /**
     * Warns, once the section is complete, about keywords its final mode or hash type leaves without effect, as
     * HAProxy's configuration check does; each warning points at the line that set the keyword.
     */
    void checkBackend(Backend built) {
        if (mode == Mode.TCP) {
            if (REQUEST_HASHES.contains(balance.algorithm().replaceAll("\\(.*", ""))) {
                diag.warning(writtenAt.get("balance"), "backend '" + name + "' : 'balance " + balance.algorithm()
                        + "' needs mode http; in mode tcp there is no request to hash and connections are balanced "
                        + "round robin");
            }
            if (cookie != null) {
                diag.warning(writtenAt.get("cookie"), "backend '" + name + "' : 'cookie' needs mode http; it is "
                        + "ignored in mode tcp");
            }
            if (built.retriesOnResponses()) {
                diag.warning(writtenAt.get("retry-on"), "backend '" + name + "' : 'retry-on' conditions other than "
                        + "'conn-failure' need mode http; they are ignored in mode tcp");
            }
        }
        for (ServerRules.UseServer u : useServer) {
            if (servers.stream().noneMatch(s -> s.name().equals(u.server()))) {
                diag.alert(u.source(), "backend '" + name + "' : unable to find server '" + u.server()
                        + "' referenced in a 'use-server' rule; name a server of this backend");
            }
        }
        if (balance.balanceFactor() > 0 && !balance.consistent()) {
            diag.warning(writtenAt.get("hash-balance-factor"), "backend '" + name + "' : 'hash-balance-factor' only "
                    + "applies to 'hash-type consistent'; it is ignored here");
        }
    }

    /** @param id the proxy's id, as {@link AutomaticIds} numbers proxies around the forced ones */
    Backend backend(int id) {
        return new Backend(name, source, id, forcedId != 0, mode, balance, numbered(servers), timeouts, retries,
                redispatchInterval, cookie, retryOn, checks.build(),
                http.build(resolved(httpResponse), resolved(httpAfterResponse)), stats.build(acls::resolved),
                loadServerState,
                serverStateFileName == null ? name : serverStateFileName, log.targetsOnly(),
                new ServerRules(useServer.stream().map(u -> new ServerRules.UseServer(u.server(),
                        acls.resolved(u.condition()), u.source())).toList(),
                        persist.stream().map(r -> new ServerRules.Persist(r.force(), acls.resolved(r.condition()),
                                r.source())).toList()), resolved(httpRequest), backendDirectives);
    }

    /** Where {@code load-server-state-from-file} was written (here or in the defaults), or null. */
    Source loadServerStateSource() {
        return writtenAt.get("load-server-state-from-file");
    }

    /** Numbers the servers without an {@code id}, as HAProxy does. */
    private static List<Server> numbered(List<Server> servers) {
        List<Integer> ids = AutomaticIds.assign(servers.stream().map(s -> s.id() == 0 ? null : s.id()).toList());
        List<Server> out = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            Server s = servers.get(i);
            out.add(s.forcedId() ? s : s.withId(ids.get(i)));
        }
        return out;
    }
}
