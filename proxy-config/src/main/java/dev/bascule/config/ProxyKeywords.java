package dev.bascule.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The keywords of {@code defaults}, {@code frontend}, {@code listen} and {@code backend} sections (doc
 * section 4), with the sections HAProxy's keyword matrix (4.1) allows each in: D F L B.
 */
final class ProxyKeywords {
    private ProxyKeywords() {
    }

    private static final List<Keyword<ProxySection>> ALL = new ArrayList<>();
    /** How HAProxy words a missing timeout value. */
    private static final String TIME = "an integer value (in milliseconds, or with a unit: us ms s m h d)";

    static {
        supported("bind", "FL", "4.2", 1, "<address>[,<address>...] [param*]", ProxySection::bind);
        supported("mode", "DFLB", "4.2", 1, "tcp|http", ProxySection::mode);
        supported("default_backend", "DFL", "4.2", 1, "<backend>", ProxySection::defaultBackend);
        supported("server", "LB", "4.2", 2, "<name> <address>[:<port>] [param*]", ProxySection::server);
        supported("balance", "DLB", "4.2", 0, "<algorithm> [<arguments>]", ProxySection::balance);
        supported("hash-type", "DLB", "4.2", 1, "<method> [<function>] [<modifier>]", ProxySection::hashType);
        supported("maxconn", "DFL", "4.2", 1, "<conns>", ProxySection::maxconn);
        supported("retries", "DLB", "4.2", 1, "<value>", ProxySection::retries);
        supported("timeout connect", "DLB", "4.2", 1, TIME, ProxySection::timeout);
        supported("timeout client", "DFL", "4.2", 1, TIME, ProxySection::timeout);
        supported("timeout server", "DLB", "4.2", 1, TIME, ProxySection::timeout);
        supported("timeout queue", "DLB", "4.2", 1, TIME, ProxySection::timeout);
        supported("timeout http-request", "DFLB", "4.2", 1, TIME, ProxySection::timeout);
        supported("timeout http-keep-alive", "DFLB", "4.2", 1, TIME, ProxySection::timeout);
        supported("timeout tunnel", "DLB", "4.2", 1, TIME, ProxySection::timeout);
        supported("timeout tarpit", "DFLB", "4.2", 1, TIME, ProxySection::timeout);
        supported("option redispatch", "DLB", "4.2", 0, "[<interval>]", ProxySection::redispatch);
        supported("option forwardfor", "DFLB", "4.2", 0, "[except <network>] [header <name>] [if-none]",
                (p, l) -> p.http.forwardFor(l));
        supported("option originalto", "DFLB", "4.2", 0, "[except <network>] [header <name>]",
                (p, l) -> p.http.originalTo(l));
        for (String o : List.of("httpclose", "http-server-close", "http-keep-alive")) {
            supported("option " + o, "DFLB", "4.2", 0, "", (p, l) -> p.http.connectionMode(l));
        }
        supported("default-server", "DLB", "5.2", 1, "[param*]", ProxySection::defaultServer);
        supported("option httpchk", "DLB", "4.2", 0, "[<method>] [<uri>] [<version>]", (p, l) -> p.checks.httpchk(l));
        for (String o : List.of("tcp-check", "redis-check", "mysql-check", "pgsql-check", "ssl-hello-chk",
                "ldap-check", "smtpchk", "log-health-checks", "allbackups")) {
            supported("option " + o, "DLB", "4.2", 0, "", (p, l) -> p.checks.protocol(l));
        }
        supported("timeout check", "DLB", "4.2", 1, TIME, (p, l) -> {
            if (p.timeoutArguments(l)) {
                p.checks.timeoutCheck(l);
            }
        });
        supported("http-check send", "DLB", "4.2", 0, "[meth <method>] [uri <uri>] [ver <version>] [hdr <name> "
                + "<value>]* [body <string>]", (p, l) -> p.checks.httpSend(l));
        supported("http-check expect", "DLB", "4.2", 2, "[!] status|rstatus|string|rstring <pattern>",
                (p, l) -> p.checks.httpExpect(l));
        supported("http-check disable-on-404", "DLB", "4.2", 0, "", (p, l) -> p.checks.disableOn404(l));
        pending("http-check send-state", "DLB", "4.2", 0, "");
        supported("tcp-check connect", "DLB", "4.2", 0, "[port <port>] [send-proxy]", (p, l) -> p.checks.tcpCheck(l));
        supported("tcp-check send", "DLB", "4.2", 1, "<data>", (p, l) -> p.checks.tcpCheck(l));
        supported("tcp-check send-binary", "DLB", "4.2", 1, "<hexstring>", (p, l) -> p.checks.tcpCheck(l));
        supported("tcp-check expect", "DLB", "4.2", 2, "[!] string|rstring|binary|rbinary <pattern>",
                (p, l) -> p.checks.tcpCheck(l));
        supported("tcp-check comment", "DLB", "4.2", 1, "<string>", (p, l) -> p.checks.tcpCheck(l));

        legacy("contimeout", "DLB", 1, "<timeout>", ProxySection::legacyTimeout);
        legacy("clitimeout", "DFL", 1, "<timeout>", ProxySection::legacyTimeout);
        legacy("srvtimeout", "DLB", 1, "<timeout>", ProxySection::legacyTimeout);
        legacy("redispatch", "DLB", 0, "", ProxySection::legacyRedispatch);
        legacy("option forceclose", "DFLB", 0, "", ProxySection::legacyForceClose);
        legacy("transparent", "DLB", 0, "", ProxySection::legacyTransparent);
        legacy("reqadd", "FLB", 1, "<string> [{if | unless} <cond>]", ProxySection::legacyHeaderAdd);
        legacy("rspadd", "FLB", 1, "<string> [{if | unless} <cond>]", ProxySection::legacyHeaderAdd);
        legacy("block", "FLB", 2, "{if | unless} <condition>", ProxySection::legacyBlock);
        for (String removed : List.of("reqdeny", "reqideny", "reqallow", "reqiallow", "reqpass", "reqipass",
                "reqtarpit", "reqitarpit", "reqsetbe", "reqisetbe", "rspdeny", "rspideny", "monitor-net")) {
            legacy(removed, "DFLB", 0, "", ProxySection::legacyRemoved);
        }
        for (String translated : List.of("reqdel", "reqidel", "rspdel", "rspidel")) {
            legacy(translated, "DFLB", 1, "<search> [{if | unless} <cond>]", ProxySection::legacyDelete);
        }
        for (String translated : List.of("reqrep", "reqirep", "rsprep", "rspirep")) {
            legacy(translated, "DFLB", 2, "<search> <string> [{if | unless} <cond>]", ProxySection::legacyReplace);
        }

        supported("acl", "FLB", "7", 2, "<aclname> <criterion> [flags] [operator] <value> ...",
                (p, l) -> p.acls.acl(l));
        pending("backlog", "DFL", "4.2", 1, "<conns>");
        supported("capture cookie", "FL", "4.2", 1, "<name> len <length>", (p, l) -> p.log.captureCookie(l));
        supported("capture request", "FL", "4.2", 4, "header <name> len <length>", (p, l) -> p.log.capture(l));
        supported("capture response", "FL", "4.2", 4, "header <name> len <length>", (p, l) -> p.log.capture(l));
        pending("clitcpka-cnt", "DFL", "4.2", 1, "<count>");
        pending("clitcpka-idle", "DFL", "4.2", 1, "<timeout>");
        pending("clitcpka-intvl", "DFL", "4.2", 1, "<timeout>");
        pending("compression", "DFLB", "4.2", 1, "algo|type|offload <value>...");
        supported("cookie", "DLB", "4.2", 1, "<name> [ rewrite | insert | prefix ] ...", ProxySection::cookie);
        supported("declare capture", "FL", "4.2", 3, "[ request | response ] len <length>",
                (p, l) -> p.log.declareCapture(l));
        pending("description", "FLB", "4.2", 1, "<string>");
        pending("disabled", "DFLB", "4.2", 0, "");
        pending("dispatch", "LB", "4.2", 1, "<address>:<port>");
        pending("email-alert from", "DFLB", "4.2", 1, "<emailaddr>");
        pending("email-alert level", "DFLB", "4.2", 1, "<level>");
        pending("email-alert mailers", "DFLB", "4.2", 1, "<mailersect>");
        pending("email-alert myhostname", "DFLB", "4.2", 1, "<hostname>");
        pending("email-alert to", "DFLB", "4.2", 1, "<emailaddr>");
        pending("enabled", "DFLB", "4.2", 0, "");
        supported("errorfile", "DFLB", "4.2", 2, "<code> <file>", (p, l) -> p.http.errorfile(l));
        supported("errorfiles", "DFLB", "4.2", 1, "<name> [<code> ...]", (p, l) -> p.http.errorfiles(l));
        supported("errorloc", "DFLB", "4.2", 0, "<code> <url>", (p, l) -> p.http.errorloc(l));
        supported("errorloc302", "DFLB", "4.2", 0, "<code> <url>", (p, l) -> p.http.errorloc(l));
        supported("errorloc303", "DFLB", "4.2", 0, "<code> <url>", (p, l) -> p.http.errorloc(l));
        pending("error-log-format", "DFL", "4.2", 1, "<string>");
        pending("external-check command", "DLB", "4.2", 1, "<command>");
        pending("external-check path", "DLB", "4.2", 1, "<path>");
        pending("filter", "FLB", "9", 1, "<name> [param*]");
        supported("force-persist", "LB", "4.2", 0, "{ if | unless } <condition>", ProxySection::persistRule);
        pending("fullconn", "DLB", "4.2", 1, "<conns>");
        supported("hash-balance-factor", "DLB", "4.2", 1, "<factor>", ProxySection::hashBalanceFactor);
        supported("http-after-response", "DFLB", "4.2", 1, "<action> <options...> [ { if | unless } <condition> ]",
                ProxySection::httpResponse);
        pending("http-check comment", "DLB", "4.2", 1, "<string>");
        pending("http-check connect", "DLB", "4.2", 0, "[default] [port <expr>] ...");
        pending("http-check set-var", "DLB", "4.2", 1, "(<var-name>[,<cond>...]) <expr>");
        pending("http-check unset-var", "DLB", "4.2", 1, "(<var-name>)");
        supported("http-error", "DFLB", "4.2", 2, "status <code> [content-type <type>] [default-errorfiles | errorfile "
                + "<file> | errorfiles <name> | file <file> | string <str>] [hdr <name> <fmt>]*",
                (p, l) -> p.http.httpError(l));
        supported("http-request", "DFLB", "4.2", 1, "<action> [options...] [ { if | unless } <condition> ]",
                ProxySection::httpRequest);
        supported("http-request use-service", "FL", "4.2", 1, "prometheus-exporter [ { if | unless } <condition> ]",
                ProxySection::useService);
        supported("http-response", "DFLB", "4.2", 1, "<action> <options...> [ { if | unless } <condition> ]",
                ProxySection::httpResponse);
        supported("http-reuse", "DLB", "4.2", 1, "{ never | safe | aggressive | always }",
                (p, l) -> p.http.reuse(l));
        pending("http-send-name-header", "DLB", "4.2", 0, "[<header>]");
        supported("id", "FLB", "4.2", 1, "<value>", ProxySection::id);
        supported("ignore-persist", "LB", "4.2", 0, "{ if | unless } <condition>", ProxySection::persistRule);
        supported("load-server-state-from-file", "DLB", "4.2", 1, "{ global | local | none }",
                ProxySection::loadServerStateFromFile);
        supported("log", "DFLB", "4.2", 1, "global | <target> [len <length>] [format <format>] [sample <ranges>:<size>] "
                + "<facility> [<level> [<minlevel>]]", ProxySection::log);
        supported("log-format", "DFL", "8.2.4", 1, "<string>", (p, l) -> p.log.logFormat(l));
        supported("log-format-sd", "DFL", "8.2.4", 1, "<string>", (p, l) -> p.log.logFormatSd(l));
        supported("log-tag", "DFLB", "4.2", 1, "<string>", (p, l) -> p.log.tag(l));
        supported("option httplog", "DFL", "4.2", 0, "[clf]", (p, l) -> p.log.httplog(l));
        supported("option httpslog", "DFL", "4.2", 0, "", (p, l) -> p.log.httpslog(l));
        supported("option tcplog", "DFL", "4.2", 0, "", (p, l) -> p.log.tcplog());
        supported("option dontlognull", "DFL", "4.2", 0, "", (p, l) -> p.log.dontLogNull(true));
        supported("option http-buffer-request", "DFLB", "4.2", 0, "", (p, l) -> p.http.bufferRequest(true));
        supported("option log-separate-errors", "DFL", "4.2", 0, "", (p, l) -> p.log.separateErrors(true));
        supported("option dontlog-normal", "DFL", "4.2", 0, "", (p, l) -> p.log.dontLogNormal(true));
        supported("option logasap", "DFL", "4.2", 0, "", (p, l) -> p.log.logAsap(true));
        pending("max-keep-alive-queue", "DLB", "4.2", 1, "<value>");
        pending("max-session-srv-conns", "DFL", "4.2", 1, "<nb>");
        supported("monitor fail", "FL", "4.2", 2, "{ if | unless } <condition>", ProxySection::monitorFail);
        supported("monitor-uri", "DFL", "4.2", 1, "<uri>", (p, l) -> p.http.monitorUri(l));
        pending("persist rdp-cookie", "DLB", "4.2", 0, "[(<name>)]");
        pending("rate-limit sessions", "DFL", "4.2", 1, "<rate>");
        supported("redirect", "FLB", "4.2", 2, "location | prefix | scheme <to> [code <code>] <option> ...",
                ProxySection::redirect);
        supported("retry-on", "DLB", "4.2", 1, "[list of keywords]", ProxySection::retryOn);
        supported("server-state-file-name", "DLB", "4.2", 0, "[ { use-backend-name | <file> } ]",
                ProxySection::serverStateFileName);
        supported("server-template", "LB", "4.2", 3, "<prefix> <num | range> <fqdn>[:<port>] [params*]",
                ProxySection::serverTemplate);
        pending("source", "DLB", "4.2", 1, "<addr>[:<port>] [usesrc ...]");
        pending("srvtcpka-cnt", "DLB", "4.2", 1, "<count>");
        pending("srvtcpka-idle", "DLB", "4.2", 1, "<timeout>");
        pending("srvtcpka-intvl", "DLB", "4.2", 1, "<timeout>");
        supported("stats admin", "FLB", "4.2", 2, "{ if | unless } <condition>", ProxySection::stats);
        supported("stats auth", "DFLB", "4.2", 1, "<user>:<passwd>", ProxySection::stats);
        supported("stats enable", "DFLB", "4.2", 0, "", ProxySection::stats);
        supported("stats hide-version", "DFLB", "4.2", 0, "", ProxySection::stats);
        pending("stats http-request", "FLB", "4.2", 1, "{ allow | deny | auth [realm <realm>] } ...");
        supported("stats realm", "DFLB", "4.2", 1, "<realm>", ProxySection::stats);
        supported("stats refresh", "DFLB", "4.2", 1, "<delay>", ProxySection::stats);
        supported("stats scope", "DFLB", "4.2", 1, "{ <name> | \".\" }", ProxySection::stats);
        supported("stats show-desc", "DFLB", "4.2", 0, "[ <desc> ]", ProxySection::stats);
        supported("stats show-legends", "DFLB", "4.2", 0, "", ProxySection::stats);
        pending("stats show-modules", "DFLB", "4.2", 0, "");
        supported("stats show-node", "DFLB", "4.2", 0, "[ <name> ]", ProxySection::stats);
        supported("stats uri", "DFLB", "4.2", 1, "<prefix>", ProxySection::stats);
        pending("stick match", "LB", "4.2", 1, "<pattern> [table <table>] [{if | unless} <cond>]");
        pending("stick on", "LB", "4.2", 1, "<pattern> [table <table>] [{if | unless} <condition>]");
        pending("stick store-request", "LB", "4.2", 1, "<pattern> [table <table>] [{if | unless} <condition>]");
        pending("stick store-response", "LB", "4.2", 1, "<pattern> [table <table>] [{if | unless} <condition>]");
        pending("stick-table", "FLB", "4.2", 4, "type <type> size <size> [expire <expire>] ...");
        pending("tcp-check send-binary-lf", "DLB", "4.2", 1, "<hexfmt> [comment <msg>]");
        pending("tcp-check send-lf", "DLB", "4.2", 1, "<fmt> [comment <msg>]");
        pending("tcp-check set-var", "DLB", "4.2", 1, "(<var-name>[,<cond>...]) <expr>");
        pending("tcp-check unset-var", "DLB", "4.2", 1, "(<var-name>)");
        supported("tcp-request connection", "DFL", "4.2", 1,
                "accept|reject|set-var(<name>) <expr>|set-var-fmt(<name>) <fmt>|unset-var(<name>) "
                        + "[{if | unless} <condition>]",
                ProxySection::tcpRequest);
        supported("tcp-request content", "DFLB", "4.2", 1,
                "accept|reject|capture <sample> len <length>|set-var(<name>) <expr>|set-var-fmt(<name>) <fmt>|"
                        + "unset-var(<name>) [{if | unless} <condition>]",
                ProxySection::tcpRequest);
        supported("tcp-request inspect-delay", "DFLB", "4.2", 1, "<timeout>", ProxySection::tcpRequest);
        supported("tcp-request session", "DFL", "4.2", 1,
                "accept|reject|set-var(<name>) <expr>|set-var-fmt(<name>) <fmt>|unset-var(<name>) "
                        + "[{if | unless} <condition>]",
                ProxySection::tcpRequest);
        pending("tcp-response content", "DLB", "4.2", 1, "<action> [{if | unless} <condition>]");
        pending("tcp-response inspect-delay", "DLB", "4.2", 1, "<timeout>");
        for (String t : List.of("client-fin:DFL", "server-fin:DLB")) {
            String[] p = t.split(":");
            pending("timeout " + p[0], p[1], "4.2", 1, TIME, ProxySection::checkTime);
        }
        supported("unique-id-format", "DFL", "4.2", 1, "<string>", (p, l) -> p.log.uniqueIdFormat(l));
        supported("unique-id-header", "DFL", "4.2", 1, "<name>", (p, l) -> p.log.uniqueIdHeader(l));
        pending("use-fcgi-app", "LB", "4.2", 1, "<name>");
        supported("use-server", "LB", "4.2", 1, "<server> { if | unless } <condition>", ProxySection::useServer);
        supported("use_backend", "FL", "4.2", 1, "<backend>|<name-with-%[expr]> [{if | unless} <condition>]",
                ProxySection::useBackend);

        for (String o : List.of("abortonclose:DLB", "accept-invalid-http-request:DFL",
                "accept-invalid-http-response:DLB", "checkcache:DLB", "clitcpka:DFL",
                "contstats:DFL", "disable-h2-upgrade:DFL",
                "external-check:DLB", "h1-case-adjust-bogus-client:DFL",
                "h1-case-adjust-bogus-server:DLB", "http-ignore-probes:DFL",
                "http-no-delay:DFLB", "http-pretend-keepalive:DFLB",
                "http-restrict-req-hdr-names:DFLB", "http-use-proxy-header:DFL",
                "idle-close-on-response:DFL",
                "independent-streams:DFLB",
                "nolinger:DFLB", "persist:DLB",
                "prefer-last-server:DLB", 
                "socket-stats:DFL", "splice-auto:DFLB", "splice-request:DFLB", "splice-response:DFLB",
                "spop-check:DLB", "srvtcpka:DLB", "tcp-smart-accept:DFL",
                "tcp-smart-connect:DLB", "tcpka:DFLB", "transparent:DLB")) {
            String[] p = o.split(":");
            pending("option " + p[0], p[1], "4.2", 0, "");
        }
    }

    static final KeywordTable<ProxySection> TABLE = new KeywordTable<>("proxy", ALL);

    private static void supported(String name, String sections, String doc, int minArgs, String usage,
                                  BiConsumer<ProxySection, Line> handler) {
        ALL.add(new Keyword<>(name, sections, Support.SUPPORTED, doc, minArgs, usage, handler));
    }

    private static void legacy(String name, String sections, int minArgs, String usage,
                               BiConsumer<ProxySection, Line> handler) {
        ALL.add(new Keyword<>(name, sections, Support.LEGACY, "4.2", minArgs, usage, handler));
    }

    private static void pending(String name, String sections, String doc, int minArgs, String usage) {
        pending(name, sections, doc, minArgs, usage, (p, l) -> {
        });
    }

    /** Parsed but not implemented: the handler only checks what it can; the section keeps the line. */
    private static void pending(String name, String sections, String doc, int minArgs, String usage,
                                BiConsumer<ProxySection, Line> check) {
        ALL.add(new Keyword<>(name, sections, Support.NOT_IMPLEMENTED, doc, minArgs, usage, check));
    }
}
