package dev.bascule.config.model;

import dev.bascule.config.sample.SampleExpr;

import java.util.List;

/**
 * A server's TLS (doc section 5.2): {@code ssl} for its traffic, {@code check-ssl} for its health checks (both use
 * {@code settings}). {@code sni} is the expression whose value is sent as the server name (null: none), {@code
 * checkSni} the checks' fixed one; {@code verifyHost} the name the server's certificate must carry (null: the SNI's
 * value with {@code verify required}). {@code crt} is the client certificate shown to the server, or null.
 * {@code reuseSessions} is false with {@code no-ssl-reuse}.
 */
public record ServerTls(boolean ssl, boolean checkSsl, TlsSettings settings, SampleExpr sni, String checkSni,
                        List<String> checkAlpn, String verifyHost, PemBundle crt, boolean reuseSessions) {
    public ServerTls {
        checkAlpn = List.copyOf(checkAlpn);
    }

    /** Whether any connection to the server uses TLS. */
    public boolean used() {
        return ssl || checkSsl;
    }
}
