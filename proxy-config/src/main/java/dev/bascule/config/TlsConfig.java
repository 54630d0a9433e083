package dev.bascule.config;

import dev.bascule.config.model.PemBundle;
import dev.bascule.config.model.Source;
import dev.bascule.config.model.TlsSettings;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The TLS options bind and server lines share (doc sections 5.1 and 5.2), and those of {@code ssl-default-*-options}
 * and of {@code crt-list} lines: versions, ciphers, ALPN, peer verification. One of these is filled per line, from a
 * copy of what the line inherits, then {@link #build}s its {@link TlsSettings}.
 */
final class TlsConfig {
    /** The options this class sets, and whether each takes a value. */
    private static final Set<String> FLAGS = Set.of("no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13",
            "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13", "no-tls-tickets",
            "prefer-client-ciphers");
    private static final Set<String> VALUED = Set.of("ssl-min-ver", "ssl-max-ver", "ciphers", "ciphersuites",
            "curves", "ecdhe", "alpn", "npn", "verify", "ca-file", "crl-file");

    private String minVersion;
    private String maxVersion;
    private final Set<String> disabled = new HashSet<>();
    private String ciphers;
    private String ciphersuites;
    private String curves;
    private String ecdhe;
    private List<String> alpn = List.of();
    private TlsSettings.Verify verify = TlsSettings.Verify.NONE;
    private PemBundle caFile;
    private PemBundle crlFile;
    private boolean noTlsTickets;
    private boolean preferClientCiphers;

    static boolean handles(String option) {
        return FLAGS.contains(option) || VALUED.contains(option);
    }

    static boolean takesValue(String option) {
        return VALUED.contains(option);
    }

    /** A bind line's starting point: the global ciphers, curves and options. */
    static TlsConfig forBind(Diagnostics diag, Source at, SslDefaults d) {
        TlsConfig c = new TlsConfig();
        c.ciphers = d.bindCiphers;
        c.ciphersuites = d.bindCiphersuites;
        c.curves = d.bindCurves;
        d.bindOptions.forEach(o -> c.set(diag, at, "ssl-default-bind-options", o.get(0), o.size() > 1 ? o.get(1) : null,
                d));
        return c;
    }

    /** A server line's: verified unless {@code ssl-server-verify none} (HAProxy's default since 1.6). */
    static TlsConfig forServer(Diagnostics diag, Source at, SslDefaults d) {
        TlsConfig c = new TlsConfig();
        c.verify = d.serverVerify;
        c.ciphers = d.serverCiphers;
        c.ciphersuites = d.serverCiphersuites;
        c.curves = d.serverCurves;
        d.serverOptions.forEach(o -> c.set(diag, at, "ssl-default-server-options", o.get(0),
                o.size() > 1 ? o.get(1) : null, d));
        return c;
    }

    TlsConfig copy() {
        TlsConfig c = new TlsConfig();
        c.minVersion = minVersion;
        c.maxVersion = maxVersion;
        c.disabled.addAll(disabled);
        c.ciphers = ciphers;
        c.ciphersuites = ciphersuites;
        c.curves = curves;
        c.ecdhe = ecdhe;
        c.alpn = alpn;
        c.verify = verify;
        c.caFile = caFile;
        c.crlFile = crlFile;
        c.noTlsTickets = noTlsTickets;
        c.preferClientCiphers = preferClientCiphers;
        return c;
    }

    /** Sets one option; false after an alert in HAProxy's words. */
    boolean set(Diagnostics diag, Source at, String owner, String name, String value, SslDefaults d) {
        switch (name) {
            case "ssl-min-ver", "ssl-max-ver" -> {
                String v = version(value);
                if (v == null) {
                    diag.alert(at, "'" + owner + "' : '" + value + "' : unknown ssl/tls version");
                    return false;
                }
                if (name.equals("ssl-min-ver")) {
                    minVersion = v;
                } else {
                    maxVersion = v;
                }
            }
            case "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13" -> disabled.add(flagVersion(name));
            case "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13" -> {
                minVersion = flagVersion(name);
                maxVersion = minVersion;
            }
            case "ciphers" -> ciphers = value;
            case "ciphersuites" -> ciphersuites = value;
            case "curves" -> curves = value;
            case "ecdhe" -> ecdhe = value;
            case "alpn" -> alpn = List.of(value.split(","));
            case "npn" -> diag.warning(at, "'" + owner + "' : 'npn' is accepted but not offered: the JDK's TLS has no "
                    + "NPN, which browsers dropped for ALPN; use 'alpn " + value + "'");
            case "verify" -> {
                try {
                    verify = TlsSettings.Verify.valueOf(value.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    diag.alert(at, "'" + owner + "' : 'verify' : unknown verify method '" + value + "', only 'none', "
                            + "'optional', and 'required' are supported");
                    return false;
                }
            }
            case "ca-file", "crl-file" -> {
                Path file = Path.of(SslDefaults.under(d.caBase, value));
                try {
                    if (name.equals("ca-file")) {
                        caFile = Pem.authorities(file);
                    } else {
                        crlFile = Pem.revocations(file);
                    }
                } catch (Pem.Failure e) {
                    diag.alert(at, "'" + owner + "' : '" + name + "' : " + e.getMessage());
                    return false;
                }
            }
            case "no-tls-tickets" -> noTlsTickets = true;
            case "prefer-client-ciphers" -> preferClientCiphers = true;
            default -> throw new IllegalStateException("not a TLS option: " + name);
        }
        return true;
    }

    /**
     * {@code ssl-default-bind-options} and {@code ssl-default-server-options}: checked now, applied to each line that
     * uses TLS. Null after an alert.
     */
    static List<List<String>> defaultOptions(Diagnostics diag, Line line) {
        List<List<String>> out = new java.util.ArrayList<>();
        for (int i = 1; i < line.size(); i++) {
            String o = line.word(i);
            if (!FLAGS.contains(o) && !o.equals("ssl-min-ver") && !o.equals("ssl-max-ver")) {
                diag.alert(line.source(), "'" + line.keyword() + "' : unknown option '" + o + "'.");
                return null;
            }
            if (o.startsWith("ssl-m")) {
                String v = line.word(++i);
                if (v == null || version(v) == null) {
                    diag.alert(line.source(), "'" + line.keyword() + "' : '" + o + "' : "
                            + (v == null ? "missing the version" : "'" + v + "' : unknown ssl/tls version"));
                    return null;
                }
                out.add(List.of(o, v));
            } else {
                out.add(List.of(o));
            }
        }
        return out;
    }

    TlsSettings.Verify verify() {
        return verify;
    }

    PemBundle caFile() {
        return caFile;
    }

    List<String> alpn() {
        return alpn;
    }

    TlsSettings build() {
        return new TlsSettings(minVersion, maxVersion, disabled, ciphers, ciphersuites, curves, ecdhe, alpn, verify,
                caFile, crlFile, noTlsTickets, preferClientCiphers);
    }

    /** HAProxy's version word ({@code TLSv1.2}), also for {@code TLSv1}; null for an unknown one. */
    private static String version(String v) {
        if (v == null) {
            return null;
        }
        String w = v.equals("TLSv1") ? "TLSv1.0" : v;
        return TlsSettings.VERSIONS.contains(w) ? w : null;
    }

    private static String flagVersion(String flag) {
        String v = flag.substring(flag.indexOf('-') + 1);
        return v.equals("sslv3") ? "SSLv3" : "TLSv1." + v.charAt(5);
    }
}
