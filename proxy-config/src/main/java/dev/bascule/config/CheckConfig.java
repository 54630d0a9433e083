package dev.bascule.config;

import dev.bascule.config.model.CheckSettings;
import dev.bascule.config.model.CheckSettings.Expect;
import dev.bascule.config.model.CheckSettings.HttpRequest;
import dev.bascule.config.model.CheckSettings.TcpRule;
import dev.bascule.config.model.CheckSettings.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The check keywords of a proxy section ({@code option httpchk}, {@code http-check}, {@code tcp-check},
 * the protocol checks, {@code timeout check}), building its {@link CheckSettings}. As in HAProxy, a
 * section's own {@code http-check}/{@code tcp-check} rules replace those it inherited from defaults.
 */
final class CheckConfig {
    /** Arguments of an {@code expect} rule that come in pairs before the match. */
    private static final Set<String> EXPECT_OPTIONS = Set.of("min-recv", "comment", "ok-status", "error-status",
            "tout-status", "on-success", "on-error", "status-code");
    private static final Set<String> HTTP_MATCHES = Set.of("status", "rstatus", "string", "rstring");
    private static final Set<String> TCP_MATCHES = Set.of("string", "rstring", "binary", "rbinary");

    private final Diagnostics diag;
    private Type type = Type.TCP;
    private HttpRequest http = HttpRequest.DEFAULT;
    private List<Expect> httpExpect = new ArrayList<>();
    private List<TcpRule> tcpRules = new ArrayList<>();
    private boolean ownHttpRules;
    private boolean ownTcpRules;
    private String user;
    private boolean post41;
    private long timeoutCheckMs;
    private boolean logHealthChecks;
    private boolean allBackups;
    private boolean disableOn404;

    CheckConfig(Diagnostics diag, CheckConfig defaults) {
        this.diag = diag;
        if (defaults != null) {
            type = defaults.type;
            http = defaults.http;
            httpExpect = new ArrayList<>(defaults.httpExpect);
            tcpRules = new ArrayList<>(defaults.tcpRules);
            user = defaults.user;
            post41 = defaults.post41;
            timeoutCheckMs = defaults.timeoutCheckMs;
            logHealthChecks = defaults.logHealthChecks;
            allBackups = defaults.allBackups;
            disableOn404 = defaults.disableOn404;
        }
    }

    /** {@code option httpchk [<method>] [<uri>] [<version>]}; a version may carry extra header lines. */
    void httpchk(Line line) {
        type = Type.HTTP;
        List<String> args = line.words().subList(2, line.size());
        String method = "OPTIONS";
        String uri = "/";
        String version = "HTTP/1.0";
        if (args.size() == 1) {
            uri = args.get(0);
        } else if (args.size() >= 2) {
            method = args.get(0);
            uri = args.get(1);
            if (args.size() >= 3) {
                version = String.join(" ", args.subList(2, args.size()));
            }
        }
        List<String> headers = new ArrayList<>();
        String[] parts = version.split("\r\n");
        version = parts[0];
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isBlank()) {
                headers.add(parts[i]);
            }
        }
        http = new HttpRequest(method, uri, version, headers, "");
    }

    void protocol(Line line) {
        String option = line.word(1);
        switch (option) {
            case "tcp-check" -> type = Type.TCP_CHECK;
            case "redis-check" -> type = Type.REDIS;
            case "ssl-hello-chk" -> type = Type.SSL_HELLO;
            case "ldap-check" -> type = Type.LDAP;
            case "smtpchk" -> type = Type.SMTP;
            case "mysql-check" -> mysql(line);
            case "pgsql-check" -> pgsql(line);
            case "log-health-checks" -> logHealthChecks = true;
            case "allbackups" -> allBackups = true;
            default -> throw new IllegalArgumentException(option);
        }
    }

    /** {@code no option X}: back to a plain TCP check, or the flag off. */
    void negate(String option) {
        switch (option) {
            case "option log-health-checks" -> logHealthChecks = false;
            case "option allbackups" -> allBackups = false;
            default -> type = Type.TCP;
        }
    }

    private void mysql(Line line) {
        type = Type.MYSQL;
        user = null;
        post41 = false;
        if (line.word(2) == null) {
            return;
        }
        if (!line.word(2).equals("user") || line.word(3) == null) {
            diag.alert(line.source(), "'option mysql-check' only supports optional values: 'user <name> [post-41]'");
            return;
        }
        user = line.word(3);
        post41 = "post-41".equals(line.word(4));
    }

    private void pgsql(Line line) {
        type = Type.PGSQL;
        if (!"user".equals(line.word(2)) || line.word(3) == null) {
            diag.alert(line.source(), "'option pgsql-check' expects 'user <name>'");
            return;
        }
        user = line.word(3);
    }

    void timeoutCheck(Line line) {
        try {
            timeoutCheckMs = TimeValue.parseMillis(line.word(2));
        } catch (IllegalArgumentException e) {
            diag.alert(line.source(), "'timeout check' : " + e.getMessage());
        }
    }

    /** {@code http-check send [meth M] [uri U] [ver V] [hdr N V]* [body B]}. */
    void httpSend(Line line) {
        ownHttpRules();
        String method = http.method();
        String uri = http.uri();
        String version = http.version();
        List<String> headers = new ArrayList<>(http.headers());
        String body = http.body();
        List<String> a = line.words();
        for (int i = 2; i < a.size(); i++) {
            String key = a.get(i);
            String value = i + 1 < a.size() ? a.get(i + 1) : null;
            int used = key.equals("hdr") ? 2 : 1;
            if (value == null || key.equals("hdr") && i + 2 >= a.size()) {
                diag.alert(line.source(), "'http-check send' : '" + key + "' expects a value");
                return;
            }
            switch (key) {
                case "meth" -> method = value;
                case "uri", "uri-lf" -> uri = value;
                case "ver" -> version = value;
                case "hdr" -> headers.add(value + ": " + a.get(i + 2));
                case "body", "body-lf" -> body = value;
                case "comment" -> {
                }
                default -> {
                    diag.alert(line.source(), "'http-check send' : unknown argument '" + key + "'; expected meth, uri, "
                            + "ver, hdr, body or comment");
                    return;
                }
            }
            i += used;
        }
        http = new HttpRequest(method, uri, version, headers, body);
    }

    void httpExpect(Line line) {
        ownHttpRules();
        Expect e = expect(line, HTTP_MATCHES);
        if (e != null) {
            httpExpect.add(e);
        }
    }

    void disableOn404(Line line) {
        disableOn404 = true;
    }

    void tcpCheck(Line line) {
        ownTcpRules();
        String action = line.word(1);
        switch (action) {
            case "connect" -> tcpConnect(line);
            case "send" -> tcpRules.add(new TcpRule("send", 0, false, line.word(2), null));
            case "send-binary" -> {
                String hex = line.word(2);
                if (!hex.matches("([0-9a-fA-F]{2})+")) {
                    diag.alert(line.source(), "'tcp-check send-binary' expects an even number of hexadecimal digits, "
                            + "got '" + hex + "'");
                    return;
                }
                tcpRules.add(new TcpRule("send-binary", 0, false, hex, null));
            }
            case "expect" -> {
                Expect e = expect(line, TCP_MATCHES);
                if (e != null) {
                    tcpRules.add(new TcpRule("expect", 0, false, null, e));
                }
            }
            case "comment" -> {
            }
            default -> throw new IllegalArgumentException(action);
        }
    }

    private void tcpConnect(Line line) {
        int port = 0;
        boolean sendProxy = false;
        for (int i = 2; i < line.size(); i++) {
            switch (line.word(i)) {
                case "port" -> {
                    Integer p = Numbers.parse(diag, line, "tcp-check connect port", line.word(++i), 1, 65535);
                    if (p == null) {
                        return;
                    }
                    port = p;
                }
                case "send-proxy" -> sendProxy = true;
                case "default", "linger" -> {
                }
                case "comment", "addr", "sni", "alpn", "proto" -> i++;
                default -> {
                    diag.alert(line.source(), "'tcp-check connect' : unknown or unsupported argument '" + line.word(i)
                            + "'; supported: port, send-proxy, default, linger, comment");
                    return;
                }
            }
        }
        tcpRules.add(new TcpRule("connect", port, sendProxy, null, null));
    }

    /** {@code expect [options] [!] <match> <pattern>}; null after an alert. */
    private Expect expect(Line line, Set<String> matches) {
        String kw = line.keyword() + " expect";
        int i = 2;
        while (i < line.size() && EXPECT_OPTIONS.contains(line.word(i))) {
            i += 2;
        }
        boolean negate = false;
        if ("!".equals(line.word(i))) {
            negate = true;
            i++;
        }
        String match = line.word(i);
        String pattern = line.word(i + 1);
        if (match == null || !matches.contains(match)) {
            diag.alert(line.source(), "'" + kw + "' : expects one of " + String.join(", ", matches.stream().sorted()
                    .toList()) + " followed by a pattern" + (match == null ? "" : ", got '" + match + "'"));
            return null;
        }
        if (pattern == null) {
            diag.alert(line.source(), "'" + kw + " " + match + "' expects a pattern");
            return null;
        }
        if (match.startsWith("r")) {
            try {
                java.util.regex.Pattern.compile(pattern);
            } catch (java.util.regex.PatternSyntaxException e) {
                diag.alert(line.source(), "'" + kw + " " + match + "' : invalid regex '" + pattern + "': "
                        + e.getDescription());
                return null;
            }
        }
        return new Expect(match, pattern, negate);
    }

    private void ownHttpRules() {
        if (!ownHttpRules) {
            httpExpect = new ArrayList<>();
            ownHttpRules = true;
        }
    }

    private void ownTcpRules() {
        if (!ownTcpRules) {
            tcpRules = new ArrayList<>();
            ownTcpRules = true;
        }
    }

    CheckSettings build() {
        return new CheckSettings(type, http, httpExpect, tcpRules, user, post41, timeoutCheckMs, logHealthChecks,
                allBackups, disableOn404);
    }
}
