package dev.bascule.config;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * HAProxy 2.6's keyword names (doc/configuration.txt), so the parser can tell a keyword that Bascule does
 * not implement yet (a warning) from a typo (an alert with a suggestion). Implemented keywords are
 * registered by the section parsers; these tables only name the rest.
 */
final class Keywords {
    private Keywords() {
    }

    static final Set<String> GLOBAL = Set.of(
            "51degrees-data-file", "51degrees-property-name-list", "51degrees-property-separator",
            "51degrees-cache-size", "busy-polling", "ca-base", "chroot", "cluster-secret", "cpu-map", "crt-base",
            "daemon", "debug", "default-path", "description", "deviceatlas-json-file", "deviceatlas-log-level",
            "deviceatlas-separator", "deviceatlas-properties-cookie", "expose-experimental-directives",
            "external-check", "fd-hard-limit", "gid", "grace", "group", "h1-accept-payload-with-any-method",
            "h1-case-adjust", "h1-case-adjust-file", "h2-workaround-bogus-websocket-clients", "hard-stop-after",
            "httpclient.resolvers.disabled", "httpclient.resolvers.id", "httpclient.resolvers.prefer",
            "httpclient.ssl.ca-file", "httpclient.ssl.verify", "insecure-fork-wanted", "insecure-setuid-wanted",
            "issuers-chain-path", "localpeer", "log", "log-send-hostname", "log-tag", "lua-load",
            "lua-load-per-thread", "lua-prepend-path", "master-worker", "max-spread-checks", "maxcompcpuusage",
            "maxcomprate", "maxconn", "maxconnrate", "maxpipes", "maxsessrate", "maxsslconn", "maxsslrate",
            "maxzlibmem", "mworker-max-reloads", "nbthread", "no-memory-trimming", "node", "noepoll", "noevports",
            "nogetaddrinfo", "nokqueue", "nopoll", "noreuseport", "nosplice", "numa-cpu-mapping", "pidfile",
            "pp2-never-send-local", "presetenv", "profiling.memory", "profiling.tasks", "quiet", "resetenv",
            "server-state-base", "server-state-file", "set-dumpable", "set-var", "setenv", "spread-checks",
            "ssl-default-bind-ciphers", "ssl-default-bind-ciphersuites", "ssl-default-bind-client-sigalgs",
            "ssl-default-bind-curves", "ssl-default-bind-options", "ssl-default-bind-sigalgs",
            "ssl-default-server-ciphers", "ssl-default-server-ciphersuites", "ssl-default-server-client-sigalgs",
            "ssl-default-server-curves", "ssl-default-server-options", "ssl-default-server-sigalgs",
            "ssl-dh-param-file", "ssl-engine", "ssl-load-extra-files", "ssl-load-extra-del-ext", "ssl-mode-async",
            "ssl-server-verify", "ssl-skip-self-issued-ca", "stats", "strict-limits", "thread-group",
            "thread-groups", "trace", "uid", "ulimit-n", "unix-bind", "unsetenv", "user", "wurfl-cache-size",
            "wurfl-data-file", "wurfl-information-list", "wurfl-information-list-separator", "wurfl-patch-file",
            "zero-warning");

    /** Global keyword families written with a dotted prefix, such as {@code tune.bufsize}. */
    static final Set<String> GLOBAL_PREFIXES = Set.of("tune.", "ssl-", "51degrees-", "deviceatlas-", "wurfl-");

    static final Set<String> PROXY = Set.of(
            "acl", "backlog", "balance", "bind", "capture", "clitcpka-cnt", "clitcpka-idle", "clitcpka-intvl",
            "compression", "cookie", "declare", "default-server", "default_backend", "description", "disabled",
            "dispatch", "email-alert", "enabled", "errorfile", "errorfiles", "errorloc", "errorloc302",
            "errorloc303", "error-log-format", "external-check", "filter", "force-persist", "fullconn", "hash-balance-factor",
            "hash-type", "http-after-response", "http-check", "http-error", "http-request", "http-response",
            "http-reuse", "http-send-name-header", "id", "ignore-persist", "load-server-state-from-file", "log",
            "log-format", "log-format-sd", "log-tag", "max-keep-alive-queue", "max-session-srv-conns", "maxconn",
            "mode", "monitor", "monitor-uri", "option", "persist", "rate-limit", "redirect", "retries", "retry-on",
            "server", "server-state-file-name", "server-template", "source", "srvtcpka-cnt", "srvtcpka-idle",
            "srvtcpka-intvl", "stats", "stick", "stick-table", "tcp-check", "tcp-request", "tcp-response",
            "timeout", "transparent", "unique-id-format", "unique-id-header", "use-fcgi-app", "use-server",
            "use_backend");

    static final Set<String> OPTIONS = Set.of(
            "abortonclose", "accept-invalid-http-request", "accept-invalid-http-response", "allbackups",
            "checkcache", "clitcpka", "contstats", "disable-h2-upgrade", "dontlog-normal", "dontlognull",
            "external-check", "forwardfor", "h1-case-adjust-bogus-client", "h1-case-adjust-bogus-server",
            "http-buffer-request", "http-ignore-probes", "http-keep-alive", "http-no-delay",
            "http-pretend-keepalive", "http-restrict-req-hdr-names", "http-server-close", "http-use-proxy-header",
            "httpchk", "httpclose", "httplog", "httpslog", "idle-close-on-response", "independent-streams",
            "ldap-check", "log-health-checks", "log-separate-errors", "logasap", "mysql-check", "nolinger",
            "originalto", "persist", "pgsql-check", "prefer-last-server", "redis-check", "redispatch",
            "smtpchk", "socket-stats", "splice-auto", "splice-request", "splice-response", "spop-check",
            "srvtcpka", "ssl-hello-chk", "tcp-check", "tcp-smart-accept", "tcp-smart-connect", "tcpka", "tcplog",
            "transparent");

    static final Set<String> TIMEOUTS = Set.of(
            "check", "client", "client-fin", "connect", "http-keep-alive", "http-request", "queue", "server",
            "server-fin", "tarpit", "tunnel");

    /** Server keywords and how many arguments each takes. */
    static final Map<String, Integer> SERVER_OPTIONS = Map.ofEntries(
            Map.entry("addr", 1), Map.entry("agent-addr", 1), Map.entry("agent-check", 0),
            Map.entry("agent-inter", 1), Map.entry("agent-port", 1), Map.entry("agent-send", 1),
            Map.entry("allow-0rtt", 0), Map.entry("alpn", 1), Map.entry("backup", 0), Map.entry("ca-file", 1),
            Map.entry("check", 0), Map.entry("check-alpn", 1), Map.entry("check-proto", 1),
            Map.entry("check-send-proxy", 0), Map.entry("check-sni", 1), Map.entry("check-ssl", 0),
            Map.entry("check-via-socks4", 0), Map.entry("ciphers", 1), Map.entry("ciphersuites", 1),
            Map.entry("client-sigalgs", 1), Map.entry("cookie", 1), Map.entry("crl-file", 1),
            Map.entry("crt", 1), Map.entry("curves", 1), Map.entry("disabled", 0), Map.entry("downinter", 1),
            Map.entry("enabled", 0), Map.entry("error-limit", 1), Map.entry("fall", 1),
            Map.entry("fastinter", 1), Map.entry("force-sslv3", 0), Map.entry("force-tlsv10", 0),
            Map.entry("force-tlsv11", 0), Map.entry("force-tlsv12", 0), Map.entry("force-tlsv13", 0),
            Map.entry("id", 1), Map.entry("init-addr", 1), Map.entry("inter", 1), Map.entry("log-proto", 1),
            Map.entry("maxconn", 1), Map.entry("maxqueue", 1), Map.entry("max-reuse", 1),
            Map.entry("minconn", 1), Map.entry("namespace", 1), Map.entry("no-agent-check", 0),
            Map.entry("no-backup", 0), Map.entry("no-check", 0), Map.entry("no-check-ssl", 0),
            Map.entry("no-send-proxy", 0), Map.entry("no-send-proxy-v2", 0),
            Map.entry("no-send-proxy-v2-ssl", 0), Map.entry("no-send-proxy-v2-ssl-cn", 0),
            Map.entry("no-ssl", 0), Map.entry("no-ssl-reuse", 0), Map.entry("no-sslv3", 0),
            Map.entry("no-tfo", 0), Map.entry("no-tls-tickets", 0), Map.entry("no-tlsv10", 0),
            Map.entry("no-tlsv11", 0), Map.entry("no-tlsv12", 0), Map.entry("no-tlsv13", 0),
            Map.entry("no-verifyhost", 0), Map.entry("non-stick", 0), Map.entry("npn", 1),
            Map.entry("observe", 1), Map.entry("on-error", 1), Map.entry("on-marked-down", 1),
            Map.entry("on-marked-up", 1), Map.entry("pool-low-conn", 1), Map.entry("pool-max-conn", 1),
            Map.entry("pool-purge-delay", 1), Map.entry("port", 1), Map.entry("proto", 1),
            Map.entry("redir", 1), Map.entry("resolve-net", 1), Map.entry("resolve-opts", 1),
            Map.entry("resolve-prefer", 1), Map.entry("resolvers", 1), Map.entry("rise", 1),
            Map.entry("send-proxy", 0), Map.entry("send-proxy-v2", 0), Map.entry("send-proxy-v2-ssl", 0),
            Map.entry("send-proxy-v2-ssl-cn", 0), Map.entry("set-proxy-v2-tlv-fmt", 1),
            Map.entry("shard", 1), Map.entry("sigalgs", 1), Map.entry("slowstart", 1), Map.entry("sni", 1),
            Map.entry("socks4", 1), Map.entry("source", 1), Map.entry("ssl", 0), Map.entry("ssl-max-ver", 1),
            Map.entry("ssl-min-ver", 1), Map.entry("ssl-reuse", 0), Map.entry("stick", 0),
            Map.entry("tcp-ut", 1), Map.entry("tfo", 0), Map.entry("track", 1), Map.entry("verify", 1),
            Map.entry("verifyhost", 1), Map.entry("weight", 1), Map.entry("ws", 1));

    /** Bind keywords and how many arguments each takes. */
    static final Map<String, Integer> BIND_OPTIONS = Map.ofEntries(
            Map.entry("accept-netscaler-cip", 1), Map.entry("accept-proxy", 0), Map.entry("allow-0rtt", 0),
            Map.entry("alpn", 1), Map.entry("backlog", 1), Map.entry("ca-file", 1), Map.entry("ca-ignore-err", 1),
            Map.entry("ca-sign-file", 1), Map.entry("ca-sign-pass", 1), Map.entry("ca-verify-file", 1),
            Map.entry("ciphers", 1), Map.entry("ciphersuites", 1), Map.entry("client-sigalgs", 1),
            Map.entry("crl-file", 1), Map.entry("crt", 1), Map.entry("crt-ignore-err", 1),
            Map.entry("crt-list", 1), Map.entry("curves", 1), Map.entry("defer-accept", 0),
            Map.entry("ecdhe", 1), Map.entry("expose-fd", 1), Map.entry("force-sslv3", 0),
            Map.entry("force-tlsv10", 0), Map.entry("force-tlsv11", 0), Map.entry("force-tlsv12", 0),
            Map.entry("force-tlsv13", 0), Map.entry("generate-certificates", 0), Map.entry("gid", 1),
            Map.entry("group", 1), Map.entry("id", 1), Map.entry("interface", 1), Map.entry("level", 1),
            Map.entry("maxconn", 1), Map.entry("mode", 1), Map.entry("mss", 1), Map.entry("name", 1),
            Map.entry("namespace", 1), Map.entry("nice", 1), Map.entry("no-ca-names", 0),
            Map.entry("no-sslv3", 0), Map.entry("no-tls-tickets", 0), Map.entry("no-tlsv10", 0),
            Map.entry("no-tlsv11", 0), Map.entry("no-tlsv12", 0), Map.entry("no-tlsv13", 0),
            Map.entry("npn", 1), Map.entry("prefer-client-ciphers", 0), Map.entry("process", 1),
            Map.entry("proto", 1), Map.entry("severity-output", 1), Map.entry("shards", 1),
            Map.entry("sigalgs", 1), Map.entry("ssl", 0), Map.entry("ssl-max-ver", 1),
            Map.entry("ssl-min-ver", 1), Map.entry("strict-sni", 0), Map.entry("tcp-ut", 1),
            Map.entry("tfo", 0), Map.entry("thread", 1), Map.entry("tls-ticket-keys", 1),
            Map.entry("transparent", 0), Map.entry("uid", 1), Map.entry("user", 1), Map.entry("v4v6", 0),
            Map.entry("v6only", 0), Map.entry("verify", 1));

    /** Sections HAProxy knows that Bascule reads past for now, with one warning each. */
    static final Set<String> OTHER_SECTIONS = Set.of(
            "userlist", "peers", "resolvers", "http-errors", "cache", "mailers", "program", "ring", "fcgi-app");

    /** The known word nearest to {@code word}, when it is close enough to be a likely typo. */
    static String nearest(String word, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(word, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, word.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
