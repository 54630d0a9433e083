package dev.bascule.config.model;

import java.util.List;

/**
 * How a backend checks its servers (doc section 4.2: {@code option httpchk}, {@code http-check},
 * {@code option tcp-check}, {@code tcp-check}, {@code option redis-check}, {@code option mysql-check},
 * {@code option pgsql-check}, {@code option ssl-hello-chk}, {@code option ldap-check}, {@code option smtpchk}).
 *
 * @param type           which check: see {@link Type}
 * @param http           the request of an HTTP check
 * @param httpExpect     {@code http-check expect} rules; empty means HAProxy's default (status 2xx or 3xx)
 * @param tcpRules       {@code tcp-check} rules, in order
 * @param user           the user of {@code mysql-check} / {@code pgsql-check}, or null
 * @param timeoutCheckMs {@code timeout check}, 0 when not set
 */
public record CheckSettings(Type type, HttpRequest http, List<Expect> httpExpect, List<TcpRule> tcpRules,
                            String user, boolean mysqlPost41, long timeoutCheckMs, boolean logHealthChecks,
                            boolean allBackups, boolean disableOn404) {
    public enum Type {
        TCP, HTTP, TCP_CHECK, REDIS, MYSQL, PGSQL, SSL_HELLO, LDAP, SMTP;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final CheckSettings DEFAULT = new CheckSettings(Type.TCP, HttpRequest.DEFAULT, List.of(),
            List.of(), null, false, 0, false, false, false);

    public CheckSettings {
        httpExpect = List.copyOf(httpExpect);
        tcpRules = List.copyOf(tcpRules);
    }

    /** The request of an HTTP check; HAProxy's default is {@code OPTIONS / HTTP/1.0}. */
    public record HttpRequest(String method, String uri, String version, List<String> headers, String body) {
        public static final HttpRequest DEFAULT = new HttpRequest("OPTIONS", "/", "HTTP/1.0", List.of(), "");

        public HttpRequest {
            headers = List.copyOf(headers);
        }
    }

    /**
     * An {@code expect} rule: {@code kind} is status, rstatus, string, rstring (HTTP) or string, rstring,
     * binary, rbinary (tcp-check); {@code negate} for {@code !}.
     */
    public record Expect(String kind, String pattern, boolean negate) {
    }

    /** A {@code tcp-check} rule: connect (with port and send-proxy), send, send-binary, expect, comment. */
    public record TcpRule(String action, int port, boolean sendProxy, String data, Expect expect) {
    }
}
