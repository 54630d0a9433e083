package dev.bascule.config.diff;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Directive;
import dev.bascule.config.model.Network;
import dev.bascule.config.model.Source;
import dev.bascule.config.sample.AclCondition;
import dev.bascule.config.sample.SampleExpr;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How the diff names a setting and writes its value: with HAProxy's keywords where the model's component name is
 * not one ({@code defaultBackend} is {@code default_backend}, {@code check.interMs} is {@code inter}), so that an
 * operator reads a reload's log line in the words of the file they edited.
 */
final class FieldNames {
    private static final Map<String, String> KEYWORDS = Map.ofEntries(
            Map.entry("forcedId", "id forced"),
            Map.entry("check.enabled", "check"),
            Map.entry("dns.resolvers", "resolvers"),
            Map.entry("dns.preferIpv6", "resolve-prefer ipv6"),
            Map.entry("dns.initAddr", "init-addr"),
            Map.entry("dns.allowDupIp", "resolve-opts allow-dup-ip"),
            Map.entry("dns.ignoreWeight", "resolve-opts ignore-weight"),
            Map.entry("check.sendProxy", "check-send-proxy"),
            Map.entry("sendProxy", "send-proxy"),
            Map.entry("sendProxy.version", "send-proxy version"),
            Map.entry("sendProxy.options", "proxy-v2-options"),
            Map.entry("check.agent", "agent-check"),
            Map.entry("check.agent.port", "agent-port"),
            Map.entry("check.agent.addr", "agent-addr"),
            Map.entry("check.agent.interMs", "agent-inter"),
            Map.entry("check.agent.send", "agent-send"),
            Map.entry("balance.algorithm", "balance"),
            Map.entry("balance.arguments", "balance arguments"),
            Map.entry("balance.hashType", "hash-type"),
            Map.entry("balance.hashFunction", "hash-type function"),
            Map.entry("balance.avalanche", "hash-type avalanche"),
            Map.entry("balance.balanceFactor", "hash-balance-factor"),
            Map.entry("redispatchInterval", "option redispatch"),
            Map.entry("defaultBackend", "default_backend"),
            Map.entry("retryOn", "retry-on"),
            Map.entry("prometheus", "use-service prometheus-exporter"),
            Map.entry("monitorFail", "monitor fail"),
            Map.entry("stats.admin", "stats admin"),
            Map.entry("switching", "use_backend"),
            Map.entry("httpRequest", "http-request"),
            Map.entry("tcpRequest.inspectDelayMs", "tcp-request inspect-delay"),
            Map.entry("tcpRequest.connection", "tcp-request connection"),
            Map.entry("tcpRequest.session", "tcp-request session"),
            Map.entry("tcpRequest.content", "tcp-request content"),
            Map.entry("serverRules.useServer", "use-server"),
            Map.entry("serverRules.persist", "force-persist/ignore-persist"),
            Map.entry("balance.expression", "balance hash"),
            Map.entry("statsSockets", "stats socket"),
            Map.entry("spreadChecks", "spread-checks"),
            Map.entry("unimplemented", "unimplemented lines"),
            Map.entry("http.connection", "http connection mode"),
            Map.entry("http.forwardFor", "option forwardfor"),
            Map.entry("http.originalTo", "option originalto"),
            Map.entry("http.monitorUri", "monitor-uri"),
            Map.entry("http.errorFiles", "errorfile"),
            Map.entry("http.reuse", "http-reuse"),
            Map.entry("http.httpResponse", "http-response"),
            Map.entry("http.httpAfterResponse", "http-after-response"),
            Map.entry("http.bufferRequest", "option http-buffer-request"),
            Map.entry("stats.enabled", "stats enable"),
            Map.entry("cookie.name", "cookie"),
            Map.entry("checks.type", "check type"),
            Map.entry("checks.http", "http-check send"),
            Map.entry("checks.httpExpect", "http-check expect"),
            Map.entry("checks.tcpRules", "tcp-check"),
            Map.entry("checks.user", "check user"),
            Map.entry("checks.mysqlPost41", "mysql-check post-41"),
            Map.entry("checks.timeoutCheckMs", "timeout check"),
            Map.entry("checks.logHealthChecks", "option log-health-checks"),
            Map.entry("checks.allBackups", "option allbackups"),
            Map.entry("checks.disableOn404", "http-check disable-on-404"));

    /** The keyword a group's components follow: {@code timeouts.connectMs} is {@code timeout connect}. */
    private static final Map<String, String> GROUP_WORDS = Map.of("timeouts", "timeout ", "stats", "stats ",
            "cookie", "cookie ", "check", "", "checks", "check ", "http", "", "balance", "balance ",
            "tls", "", "tls.settings", "");

    private FieldNames() {
    }

    static String of(String path) {
        String keyword = KEYWORDS.get(path);
        if (keyword != null) {
            return keyword;
        }
        int dot = path.lastIndexOf('.');
        String leaf = kebab(path.substring(dot + 1));
        String group = dot < 0 ? null : GROUP_WORDS.get(path.substring(0, dot));
        return group != null ? group + leaf : dot < 0 ? leaf : path.substring(0, dot).replace('.', ' ') + " " + leaf;
    }

    /** {@code httpKeepAliveMs} is {@code http-keep-alive}: HAProxy's keywords are lower case with hyphens. */
    private static String kebab(String component) {
        String name = component.endsWith("Ms") ? component.substring(0, component.length() - 2) : component;
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** A value as the log line shows it; {@code component} says the unit (a name ending in Ms is milliseconds). */
    static String render(String component, Object value) {
        if (value instanceof Long ms && component.endsWith("Ms")) {
            return ms + "ms";
        }
        return render(value);
    }

    private static String render(Object value) {
        if (value == null) {
            return "none";
        }
        if (value instanceof Address || value instanceof Network || value instanceof String
                || value instanceof AclCondition || value instanceof SampleExpr
                || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (value instanceof Directive d) {
            return d.args().isEmpty() ? d.keyword() : d.keyword() + " " + String.join(" ", d.args());
        }
        if (value instanceof Set<?> set) {
            return "[" + String.join(", ", set.stream().map(FieldNames::render).sorted().toList()) + "]";
        }
        if (value instanceof Collection<?> list) {
            return "[" + String.join(", ", list.stream().map(FieldNames::render).toList()) + "]";
        }
        if (value instanceof Map<?, ?> map) {
            return new TreeMap<>(map).toString();
        }
        if (value instanceof Record r) {
            return components(r);
        }
        return value.toString();
    }

    /** A record that is one setting (an {@code option forwardfor}, a stats socket): its values, positions left out. */
    private static String components(Record r) {
        List<String> parts = new ArrayList<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            if (c.getType() == Source.class) {
                continue;
            }
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
            if (v instanceof Boolean flag) {
                if (flag) {
                    parts.add(kebab(c.getName()));
                }
            } else if (v != null && !(v instanceof Collection<?> col && col.isEmpty()) && !"".equals(v)) {
                parts.add(render(c.getName(), v));
            }
        }
        return String.join(" ", parts);
    }
}
