package dev.bascule.core.tls;

import dev.bascule.config.model.Global;
import dev.bascule.config.model.PemBundle;
import dev.bascule.config.model.TlsSettings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.util.List;

/**
 * Netty TLS contexts from the model's settings: OpenSSL (netty-tcnative) when it is on the class path, else the
 * JDK's own TLS. One context per certificate of a bind, one per TLS server.
 */
public final class TlsContexts {
    /** OpenSSL through netty-tcnative when present, the JDK's provider otherwise. */
    public static final SslProvider PROVIDER = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;

    private TlsContexts() {
    }

    /** The accepting side of one certificate, offering {@code alpn} (already cut to what the frontend serves). */
    static SslContext server(PemBundle pem, TlsSettings s, List<String> alpn, Global.SslTuning tuning)
            throws SSLException {
        SslContextBuilder b = SslContextBuilder.forServer(pem.key(), pem.certificates());
        common(b, s, alpn);
        b.sessionCacheSize(tuning.cacheSize()).sessionTimeout(Math.max(1, tuning.lifetimeMs() / 1000));
        b.clientAuth(switch (s.verify()) {
            case NONE -> ClientAuth.NONE;
            case OPTIONAL -> ClientAuth.OPTIONAL;
            case REQUIRED -> ClientAuth.REQUIRE;
        });
        return b.build();
    }

    /**
     * The connecting side toward a server: its certificate checked against {@code ca-file} with {@code verify
     * required} (the name is checked per connection, by {@link TlsOrigin}), its own {@code crt} shown when asked.
     */
    static SslContext client(TlsSettings s, PemBundle crt, List<String> alpn) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient();
        common(b, s, alpn);
        if (crt != null) {
            b.keyManager(crt.key(), crt.certificates());
        }
        b.endpointIdentificationAlgorithm(null);
        if (s.verify() == TlsSettings.Verify.NONE) {
            b.trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE);
        }
        return b.build();
    }

    private static void common(SslContextBuilder b, TlsSettings s, List<String> alpn) throws SSLException {
        b.sslProvider(PROVIDER).protocols(s.protocols());
        List<String> suites = Ciphers.jdk(s.ciphers(), s.ciphersuites());
        if (suites != null) {
            b.ciphers(suites, SupportedCipherSuiteFilter.INSTANCE);
        }
        if (!alpn.isEmpty()) {
            // A client offering none of ours gets no ALPN answer and goes on, as with HAProxy.
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        if (s.verify() != TlsSettings.Verify.NONE && s.caFile() != null) {
            if (s.crlFile() == null) {
                b.trustManager(s.caFile().certificates());
            } else {
                b.trustManager(withRevocations(s.caFile(), s.crlFile()));
            }
        }
    }

    /** {@code ca-file} with {@code crl-file}: a certificate a list revokes fails the handshake. */
    private static TrustManagerFactory withRevocations(PemBundle ca, PemBundle crl) throws SSLException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < ca.certificates().size(); i++) {
                store.setCertificateEntry("ca" + i, ca.certificates().get(i));
            }
            PKIXBuilderParameters p = new PKIXBuilderParameters(store, new X509CertSelector());
            p.setRevocationEnabled(true);
            p.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crl.crls())));
            TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
            f.init(new CertPathTrustManagerParameters(p));
            return f;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new SSLException("cannot use CRL file '" + crl.getFile() + "': " + e.getMessage(), e);
        }
    }
}
