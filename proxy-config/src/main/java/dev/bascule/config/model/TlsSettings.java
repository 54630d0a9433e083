package dev.bascule.config.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a TLS connection may negotiate, for a {@code bind} (the accepting side) or a {@code server} (the connecting
 * side), the {@code ssl-default-*} values already applied. {@code minVersion}/{@code maxVersion} are HAProxy's
 * version words ({@code TLSv1.2}) or null for the default range; {@code disabled} holds the versions a
 * {@code no-tlsv1x} removed. {@code ciphers} (TLSv1.2 and below) and {@code ciphersuites} (TLSv1.3) are the OpenSSL
 * strings as written, or null. {@code alpn} is the protocol list in preference order, empty for no ALPN.
 * {@code verify}: whether the peer's certificate is asked for and checked against {@code caFile} (and
 * {@code crlFile}).
 */
public record TlsSettings(String minVersion, String maxVersion, Set<String> disabled, String ciphers,
                          String ciphersuites, String curves, String ecdhe, List<String> alpn, Verify verify,
                          PemBundle caFile, PemBundle crlFile, boolean noTlsTickets, boolean preferClientCiphers) {
    /** HAProxy's version words, oldest first. */
    public static final List<String> VERSIONS = List.of("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    /** HAProxy 2.2 and later refuse versions below TLSv1.2 unless told otherwise, on both sides. */
    public static final String DEFAULT_MIN = "TLSv1.2";

    public enum Verify { NONE, OPTIONAL, REQUIRED }

    public TlsSettings {
        disabled = Set.copyOf(disabled);
        alpn = List.copyOf(alpn);
    }

    /** The versions this side offers, by their JDK names ({@code TLSv1}, {@code TLSv1.2}), oldest first. */
    public List<String> protocols() {
        int min = VERSIONS.indexOf(minVersion == null ? DEFAULT_MIN : minVersion);
        int max = maxVersion == null ? VERSIONS.size() - 1 : VERSIONS.indexOf(maxVersion);
        List<String> out = new ArrayList<>();
        for (int i = min; i <= max; i++) {
            String v = VERSIONS.get(i);
            if (!disabled.contains(v)) {
                out.add(v.equals("TLSv1.0") ? "TLSv1" : v);
            }
        }
        return out;
    }
}
