package dev.bascule.config;

import dev.bascule.config.model.PemBundle;
import dev.bascule.config.model.SendProxy;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.config.model.ServerDns;
import dev.bascule.config.model.ServerTls;
import dev.bascule.config.model.TlsSettings;
import dev.bascule.config.sample.SampleExpr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of a {@code server} line on top of its section's {@code default-server} (doc section 5.2).
 * A section keeps one of these for {@code default-server}; each server line starts from a copy of it.
 */
final class ServerSettings {
    private static final Set<String> OBSERVE = Set.of("none", "layer4", "layer7");
    private static final Set<String> ON_ERROR = Set.of("fastinter", "fail-check", "sudden-death", "mark-down");

    int weight = 1;
    int maxconn;
    int maxqueue;
    int id;
    String cookie;
    boolean backup;
    boolean disabled;
    private boolean check;
    private long interMs = ServerCheck.DEFAULT_INTER_MS;
    private long fastinterMs;
    private long downinterMs;
    private int rise = ServerCheck.DEFAULT_RISE;
    private int fall = ServerCheck.DEFAULT_FALL;
    private int port;
    private String addr;
    private boolean sendProxy;
    /** {@code send-proxy} and {@code send-proxy-v2} as HAProxy keeps them: both may be set, version 2 wins. */
    private boolean proxyV1;
    private boolean proxyV2;
    /** The {@code proxy-v2-options} (and the {@code -ssl}, {@code -ssl-cn} forms) given so far. */
    private Set<String> proxyOptions = Set.of();
    private long slowstartMs;
    private String onMarkedDown;
    private String onMarkedUp;
    private String observe;
    private int errorLimit = ServerCheck.DEFAULT_ERROR_LIMIT;
    private String onError = "fastinter";
    private boolean agent;
    private int agentPort;
    private String agentAddr;
    private long agentInterMs;
    private String agentSend;
    /** The TLS options given so far, over the global defaults (created at the first one), or null. */
    private TlsConfig tls;
    private boolean ssl;
    private boolean checkSsl;
    private String sni;
    private String checkSni;
    private List<String> checkAlpn = List.of();
    private String verifyHost;
    private String crt;
    private boolean sslReuse = true;
    ServerDns dns = ServerDns.STATIC;
    final List<String> unimplemented = new ArrayList<>();
    /** Set when an option's value was refused, so the line is dropped. */
    private boolean failed;

    ServerSettings copy() {
        ServerSettings c = new ServerSettings();
        c.weight = weight;
        c.maxconn = maxconn;
        c.maxqueue = maxqueue;
        c.id = id;
        c.cookie = cookie;
        c.backup = backup;
        c.disabled = disabled;
        c.check = check;
        c.interMs = interMs;
        c.fastinterMs = fastinterMs;
        c.downinterMs = downinterMs;
        c.rise = rise;
        c.fall = fall;
        c.port = port;
        c.addr = addr;
        c.sendProxy = sendProxy;
        c.proxyV1 = proxyV1;
        c.proxyV2 = proxyV2;
        c.proxyOptions = proxyOptions;
        c.slowstartMs = slowstartMs;
        c.onMarkedDown = onMarkedDown;
        c.onMarkedUp = onMarkedUp;
        c.observe = observe;
        c.errorLimit = errorLimit;
        c.onError = onError;
        c.agent = agent;
        c.agentPort = agentPort;
        c.agentAddr = agentAddr;
        c.agentInterMs = agentInterMs;
        c.agentSend = agentSend;
        c.tls = tls == null ? null : tls.copy();
        c.ssl = ssl;
        c.checkSsl = checkSsl;
        c.sni = sni;
        c.checkSni = checkSni;
        c.checkAlpn = checkAlpn;
        c.verifyHost = verifyHost;
        c.crt = crt;
        c.sslReuse = sslReuse;
        c.dns = dns;
        c.unimplemented.addAll(unimplemented);
        return c;
    }

    /** Applies the options of {@code line} from word {@code from} on; false after an alert. */
    boolean apply(Diagnostics diag, Line line, int from, String owner, SslDefaults defaults) {
        failed = false;
        List<ServerOptions.Parsed> options = ServerOptions.parse(diag, line, from, ServerOptions.SERVER, owner);
        if (options == null) {
            return false;
        }
        for (ServerOptions.Parsed o : options) {
            if (o.option().support() != Support.SUPPORTED) {
                unimplemented.add(o.written());
                diag.warning(line.source(), "'" + o.option().name() + "' is parsed but not implemented yet; "
                        + "it has no effect");
            } else if (TlsConfig.handles(o.option().name())) {
                if (tls == null) {
                    tls = TlsConfig.forServer(diag, line.source(), defaults);
                }
                if (!tls.set(diag, line.source(), owner, o.option().name(), o.value(), defaults)) {
                    return false;
                }
            } else if (!set(diag, line, owner, o.option().name(), o.value())) {
                return false;
            }
        }
        return true;
    }

    private boolean set(Diagnostics diag, Line line, String owner, String name, String value) {
        String what = owner + "' : '" + name;
        switch (name) {
            case "weight" -> weight = number(diag, line, what, value, 0, 256, weight);
            case "maxconn" -> maxconn = number(diag, line, what, value, 0, Integer.MAX_VALUE, maxconn);
            case "maxqueue" -> maxqueue = number(diag, line, what, value, 0, Integer.MAX_VALUE, maxqueue);
            case "id" -> id = number(diag, line, what, value, 1, Integer.MAX_VALUE, id);
            case "cookie" -> cookie = value;
            case "backup" -> backup = true;
            case "no-backup" -> backup = false;
            case "disabled" -> disabled = true;
            case "enabled" -> disabled = false;
            case "check" -> check = true;
            case "no-check" -> check = false;
            case "inter" -> interMs = time(diag, line, what, value, interMs);
            case "fastinter" -> fastinterMs = time(diag, line, what, value, fastinterMs);
            case "downinter" -> downinterMs = time(diag, line, what, value, downinterMs);
            case "rise" -> rise = number(diag, line, what, value, 1, Integer.MAX_VALUE, rise);
            case "fall" -> fall = number(diag, line, what, value, 1, Integer.MAX_VALUE, fall);
            case "port" -> port = number(diag, line, what, value, 1, 65535, port);
            case "addr" -> addr = value;
            case "check-send-proxy" -> sendProxy = true;
            case "send-proxy" -> proxyV1 = true;
            case "no-send-proxy" -> proxyV1 = false;
            case "send-proxy-v2" -> proxyV2 = true;
            case "no-send-proxy-v2" -> proxyV2 = false;
            case "send-proxy-v2-ssl" -> {
                proxyV2 = true;
                proxyOptions("ssl", true);
            }
            case "no-send-proxy-v2-ssl" -> proxyOptions("ssl", false);
            case "send-proxy-v2-ssl-cn" -> {
                proxyV2 = true;
                proxyOptions("ssl", true);
                proxyOptions("cert-cn", true);
            }
            case "no-send-proxy-v2-ssl-cn" -> proxyOptions("cert-cn", false);
            case "proxy-v2-options" -> proxyV2Options(diag, line, what, value);
            case "slowstart" -> slowstartMs = time(diag, line, what, value, slowstartMs);
            case "on-marked-down" -> onMarkedDown = oneOf(diag, line, what, value, Set.of("shutdown-sessions"));
            case "on-marked-up" -> onMarkedUp = oneOf(diag, line, what, value, Set.of("shutdown-backup-sessions"));
            case "observe" -> observe = oneOf(diag, line, what, value, OBSERVE);
            case "error-limit" -> errorLimit = number(diag, line, what, value, 1, Integer.MAX_VALUE, errorLimit);
            case "on-error" -> onError = oneOf(diag, line, what, value, ON_ERROR);
            case "agent-check" -> agent = true;
            case "no-agent-check" -> agent = false;
            case "agent-port" -> agentPort = number(diag, line, what, value, 1, 65535, agentPort);
            case "agent-addr" -> agentAddr = value;
            case "agent-inter" -> agentInterMs = time(diag, line, what, value, agentInterMs);
            case "agent-send" -> agentSend = value;
            case "ssl" -> ssl = true;
            case "no-ssl" -> ssl = false;
            case "check-ssl" -> checkSsl = true;
            case "no-check-ssl" -> checkSsl = false;
            case "sni" -> sni = value;
            case "check-sni" -> checkSni = value;
            case "check-alpn" -> checkAlpn = List.of(value.split(","));
            case "verifyhost" -> verifyHost = value;
            case "no-verifyhost" -> verifyHost = null;
            case "crt" -> crt = value;
            case "ssl-reuse" -> sslReuse = true;
            case "no-ssl-reuse" -> sslReuse = false;
            case "resolvers" -> dns = dns.withResolvers(value);
            case "resolve-prefer" -> resolvePrefer(diag, line, what, value);
            case "init-addr" -> initAddr(diag, line, what, value);
            case "resolve-opts" -> resolveOpts(diag, line, what, value);
            default -> throw new IllegalStateException("supported server option without a setter: " + name);
        }
        return !failed;
    }

    private void proxyOptions(String option, boolean on) {
        Set<String> next = new TreeSet<>(proxyOptions);
        if (on) {
            next.add(option);
        } else {
            next.remove(option);
        }
        proxyOptions = Set.copyOf(next);
    }

    /** {@code proxy-v2-options a,b}: the SSL TLV's parts bring the SSL TLV with them, as in HAProxy. */
    private void proxyV2Options(Diagnostics diag, Line line, String what, String value) {
        for (String o : value.split(",")) {
            if (!SendProxy.OPTIONS.contains(o)) {
                diag.alert(line.source(), "'" + what + "' : unknown option '" + o + "'; supported: "
                        + String.join(", ", new TreeSet<>(SendProxy.OPTIONS)));
                failed = true;
                return;
            }
            if (SendProxy.NOT_SENT.contains(o)) {
                diag.warning(line.source(), "'" + what + "' : option '" + o + "' is parsed but not implemented yet; "
                        + "the header carries no such TLV");
            }
            if (o.startsWith("cert-") || o.equals("ssl-cipher")) {
                proxyOptions("ssl", true);
            }
            proxyOptions(o, true);
        }
    }

    /** The header the server's connections begin with, or null. */
    SendProxy sendProxy() {
        return proxyV2 ? new SendProxy(2, proxyOptions) : proxyV1 ? new SendProxy(1, Set.of()) : null;
    }

    private void resolvePrefer(Diagnostics diag, Line line, String what, String value) {
        if (value.equals("ipv4") || value.equals("ipv6")) {
            dns = dns.withPreferIpv6(value.equals("ipv6"));
        } else {
            diag.alert(line.source(), "'" + what + "' expects either ipv4 or ipv6 as argument, got '" + value + "'");
            failed = true;
        }
    }

    /** {@code init-addr {last | libc | none | <ip>},...}: one IP address at most, as in HAProxy. */
    private void initAddr(Diagnostics diag, Line line, String what, String value) {
        List<String> methods = new ArrayList<>();
        boolean ip = false;
        for (String m : value.split(",")) {
            if (m.equals(ServerDns.LAST) || m.equals(ServerDns.LIBC) || m.equals(ServerDns.NONE)) {
                methods.add(m);
            } else if (ServerDns.literal(m) != null && !ip) {
                ip = true;
                methods.add(m);
            } else {
                diag.alert(line.source(), "'" + what + "' : " + (ip && ServerDns.literal(m) != null
                        ? "initial address already specified, cannot add '" + m + "'."
                        : "unknown init-addr method '" + m + "', supported methods are 'libc', 'last', 'none' "
                        + "and an IP address."));
                failed = true;
                return;
            }
        }
        dns = dns.withInitAddr(methods);
    }

    private void resolveOpts(Diagnostics diag, Line line, String what, String value) {
        boolean allowDup = dns.allowDupIp();
        boolean ignoreWeight = dns.ignoreWeight();
        for (String o : value.split(",")) {
            switch (o) {
                case "allow-dup-ip" -> allowDup = true;
                case "prevent-dup-ip" -> allowDup = false;
                case "ignore-weight" -> ignoreWeight = true;
                default -> {
                    diag.alert(line.source(), "'" + what + "' : unknown resolve-opts option '" + o + "', supported "
                            + "methods are 'allow-dup-ip', 'ignore-weight', and 'prevent-dup-ip'.");
                    failed = true;
                    return;
                }
            }
        }
        dns = dns.withOptions(allowDup, ignoreWeight);
    }

    private int number(Diagnostics diag, Line line, String what, String value, int min, int max, int current) {
        Integer v = Numbers.parse(diag, line, what, value, min, max);
        failed |= v == null;
        return v == null ? current : v;
    }

    private long time(Diagnostics diag, Line line, String what, String value, long current) {
        try {
            long ms = TimeValue.parseMillis(value);
            if (ms > 0) {
                return ms;
            }
            diag.alert(line.source(), "'" + what + "' expects a time above 0");
        } catch (IllegalArgumentException e) {
            diag.alert(line.source(), "'" + what + "' : " + e.getMessage());
        }
        failed = true;
        return current;
    }

    private String oneOf(Diagnostics diag, Line line, String what, String value, Set<String> allowed) {
        if (allowed.contains(value)) {
            return value;
        }
        diag.alert(line.source(), "'" + what + "' expects one of " + String.join(", ", allowed.stream().sorted()
                .toList()) + ", got '" + value + "'");
        failed = true;
        return null;
    }

    /** The {@code sni} expression's text, for the section to compile, or null. */
    String sni() {
        return sni;
    }

    /**
     * The server's TLS, or null when it uses none; {@code sni} is the compiled {@code sni} expression. Null after an
     * alert (a file that cannot serve, verification without a CA), with {@code failed} set.
     */
    ServerTls tls(Diagnostics diag, Line line, String owner, SslDefaults defaults,
                                           SampleExpr sniExpr) {
        if (!ssl && !checkSsl) {
            return null;
        }
        TlsConfig t = tls != null ? tls : TlsConfig.forServer(diag, line.source(), defaults);
        if (t.verify() != TlsSettings.Verify.NONE && t.caFile() == null) {
            diag.alert(line.source(), "'" + owner + "' : verify is enabled by default but no CA file specified. If "
                    + "you're running on a LAN where you're certain to trust the server's certificate, please set an "
                    + "explicit 'verify none' statement on the 'server' line, or use 'ssl-server-verify none' in the "
                    + "global section to disable server-side verifications by default.");
            failed = true;
            return null;
        }
        PemBundle client = null;
        if (crt != null) {
            try {
                client = Pem.certificate(Path.of(SslDefaults.under(defaults.crtBase, crt)));
            } catch (Pem.Failure e) {
                diag.alert(line.source(), "'" + owner + "' : 'crt' : " + e.getMessage());
                failed = true;
                return null;
            }
        }
        return new ServerTls(ssl, checkSsl, t.build(), sniExpr, checkSni, checkAlpn,
                verifyHost, client, sslReuse);
    }

    boolean failed() {
        return failed;
    }

    /** An option failed to compile where these settings are used (a server's {@code sni} expression). */
    void fail() {
        failed = true;
    }

    /** The check settings, or null after an alert about the combination. */
    ServerCheck check(Diagnostics diag, Line line, String owner) {
        if (agent && agentPort == 0) {
            diag.alert(line.source(), "'" + owner + "' : 'agent-check' needs 'agent-port <port>'");
            return null;
        }
        ServerCheck.Agent a = agent ? new ServerCheck.Agent(agentPort, agentAddr,
                agentInterMs > 0 ? agentInterMs : interMs, agentSend) : null;
        return new ServerCheck(check, interMs, fastinterMs > 0 ? fastinterMs : interMs,
                downinterMs > 0 ? downinterMs : interMs, rise, fall, port, addr, sendProxy, slowstartMs, onMarkedDown,
                onMarkedUp, "none".equals(observe) ? null : observe, errorLimit, onError, a);
    }
}
