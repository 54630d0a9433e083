package dev.bascule.core.tls;

import io.netty.handler.ssl.CipherSuiteConverter;

import javax.net.ssl.SSLContext;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * HAProxy's cipher strings for the JDK's TLS: {@code ciphers} names TLSv1.2 suites in OpenSSL's words
 * ({@code ECDHE-RSA-AES128-GCM-SHA256}), {@code ciphersuites} TLSv1.3 ones in IANA's, which the JDK uses for
 * both. OpenSSL's selection keywords ({@code HIGH}, {@code !aNULL}, {@code ECDH+AESGCM}) have no JDK meaning: a
 * string made of them only leaves the JDK's default suites, and {@link #keywordsOnly} lets the caller say so.
 */
final class Ciphers {
    private static final List<String> JDK_DEFAULTS = suites(false);
    private static final Set<String> JDK_SUPPORTED = Set.copyOf(suites(true));

    private Ciphers() {
    }

    /** The JDK suites for a side's {@code ciphers} and {@code ciphersuites}, in the order given; null: the JDK's. */
    static List<String> jdk(String ciphers, String ciphersuites) {
        if (ciphers == null && ciphersuites == null) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        List<String> tls12 = ciphers == null ? List.of() : convert(ciphers);
        List<String> tls13 = ciphersuites == null ? List.of() : List.of(ciphersuites.split(":"));
        // One of the two left unset (or made of keywords only) keeps the JDK's defaults for its versions.
        out.addAll(tls13.isEmpty() ? JDK_DEFAULTS.stream().filter(Ciphers::tls13).toList() : tls13);
        out.addAll(tls12.isEmpty() ? JDK_DEFAULTS.stream().filter(c -> !tls13(c)).toList() : tls12);
        return new ArrayList<>(out);
    }

    /** Whether a {@code ciphers} string names no suite the JDK knows (only OpenSSL's keywords, or unknown names). */
    static boolean keywordsOnly(String ciphers) {
        return ciphers != null && convert(ciphers).isEmpty();
    }

    private static List<String> convert(String ciphers) {
        List<String> out = new ArrayList<>();
        for (String c : ciphers.split("[:, ]")) {
            if (c.isEmpty() || c.startsWith("!") || c.startsWith("-") || c.startsWith("+")) {
                continue;
            }
            String java = c.startsWith("TLS_") ? c : CipherSuiteConverter.toJava(c, "TLS");
            if (java != null && JDK_SUPPORTED.contains(java)) {
                out.add(java);
            }
        }
        return out;
    }

    private static boolean tls13(String suite) {
        return suite.startsWith("TLS_") && !suite.contains("_WITH_") && !suite.startsWith("TLS_EMPTY");
    }

    /** A negotiated suite as HAProxy's {@code ssl_fc_cipher} and {@code %sslc} show it (OpenSSL's name). */
    static String openSslName(String jdkSuite) {
        if (tls13(jdkSuite)) {
            return jdkSuite;
        }
        String o = CipherSuiteConverter.toOpenSsl(jdkSuite, false);
        return o == null ? jdkSuite : o;
    }

    private static List<String> suites(boolean supported) {
        try {
            SSLContext jdk = SSLContext.getDefault();
            return List.of((supported ? jdk.getSupportedSSLParameters() : jdk.getDefaultSSLParameters())
                    .getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has TLS", e);
        }
    }
}
