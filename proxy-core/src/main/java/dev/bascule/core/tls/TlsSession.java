package dev.bascule.core.tls;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * What a client connection's TLS handshake settled, read by the {@code ssl_fc*} and {@code ssl_c_*} fetches and the
 * log's {@code %sslv}, {@code %sslc}: set on the channel once the handshake is done, before the first stream.
 *
 * @param protocol     {@code TLSv1.3}
 * @param cipher       the suite in OpenSSL's words ({@code TLS_AES_128_GCM_SHA256}, {@code ECDHE-RSA-AES128-GCM-SHA256})
 * @param sni          the server name the client asked for, or null
 * @param alpn         the protocol ALPN selected, or null
 * @param clientCert   the client certificate's subject and issuer, or null without one
 * @param resumed      the handshake resumed an earlier session (a resumed session keeps its creation time, to the
 *                     second)
 */
public record TlsSession(String protocol, String cipher, String sni, String alpn, ClientCertificate clientCert,
                         boolean resumed) {
    private static final AttributeKey<TlsSession> KEY = AttributeKey.valueOf("bascule.tls");

    /** A client certificate that passed the bind's {@code verify}: its distinguished names, OpenSSL's way. */
    public record ClientCertificate(String subject, String issuer) {
    }

    /** The session of a TLS client connection, or null for a plain one. */
    public static TlsSession of(Channel ch) {
        return ch.hasAttr(KEY) ? ch.attr(KEY).get() : null;
    }

    static TlsSession record(Channel ch, SSLSession s, String sni, String alpn, long acceptedMillis) {
        ClientCertificate client = null;
        try {
            Certificate[] peer = s.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate x) {
                client = new ClientCertificate(DistinguishedNames.openssl(x.getSubjectX500Principal()),
                        DistinguishedNames.openssl(x.getIssuerX500Principal()));
            }
        } catch (SSLPeerUnverifiedException e) {
            // No client certificate: verify none, or optional and the client sent none.
        }
        // OpenSSL keeps a session's creation time in seconds: a session is taken as resumed when it was created in
        // an earlier second than the connection was accepted (one resumed within the same second reads as new).
        TlsSession t = new TlsSession(s.getProtocol(), Ciphers.openSslName(s.getCipherSuite()), sni, alpn, client,
                s.getCreationTime() / 1000 < acceptedMillis / 1000);
        ch.attr(KEY).set(t);
        return t;
    }
}
