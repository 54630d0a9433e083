package dev.bascule.core.tls;

import dev.bascule.config.model.Bind;
import dev.bascule.config.model.BindTls;
import dev.bascule.config.model.CertificateEntry;
import dev.bascule.config.model.Global;
import dev.bascule.config.model.Mode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.Mapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A TLS bind's termination: one context per certificate, the one a client's SNI names chosen at its hello (an exact
 * name first, then a wildcard one label deep, as HAProxy matches), else the first loaded, unless {@code strict-sni}
 * refuses the handshake. Built once per generation, and kept by the next one while the bind's line and files are
 * unchanged, so that its session cache survives reloads that do not touch it.
 */
public final class TlsTerminator {
    private static final Logger log = LoggerFactory.getLogger(TlsTerminator.class);
    /** What an HTTP frontend can serve: HTTP/1 only (no h2 yet), so no other protocol is advertised. */
    private static final List<String> HTTP1 = List.of("http/1.1", "http/1.0");

    private record Served(SslContext context, List<String> names, List<String> excluded, boolean serverOrder) {
    }

    private final BindTls config;
    private final List<Served> served = new ArrayList<>();
    private final Served fallback;

    private TlsTerminator(BindTls config, Mode mode, Global.SslTuning tuning, String where) throws SSLException {
        this.config = config;
        for (CertificateEntry e : config.certificates()) {
            List<String> alpn = mode == Mode.HTTP ? e.settings().alpn().stream().filter(HTTP1::contains).toList()
                    : e.settings().alpn();
            if (alpn.size() < e.settings().alpn().size()) {
                log.warn("{}: ALPN {} is not offered: this frontend serves HTTP/1 only; it offers {}", where,
                        e.settings().alpn().stream().filter(p -> !HTTP1.contains(p)).toList(), alpn);
            }
            if (Ciphers.keywordsOnly(e.settings().ciphers())) {
                log.warn("{}: ciphers '{}' names no suite the JDK knows (OpenSSL's keywords need OpenSSL); the JDK's "
                        + "default suites are offered", where, e.settings().ciphers());
            }
            served.add(new Served(TlsContexts.server(e.pem(), e.settings(), alpn, tuning), e.serverNames(),
                    e.excluded(), !e.settings().preferClientCiphers()));
        }
        fallback = config.strictSni() ? null : served.get(0);
    }

    /** @throws SSLException when the JDK refuses a certificate or setting the parser accepted */
    public static TlsTerminator of(Bind bind, String frontend, Mode mode, Global.SslTuning tuning)
            throws SSLException {
        return new TlsTerminator(bind.tls(), mode, tuning, "Proxy '" + frontend + "': bind '" + bind.address() + "'");
    }

    /** Whether this termination was built from {@code other}'s exact settings and files. */
    public boolean serves(BindTls other) {
        return config.equals(other);
    }

    /** The handler that reads a client's hello and answers with the certificate its SNI chose. */
    public ChannelHandler handler(long handshakeTimeoutMs) {
        Mapping<String, SslContext> byName = name -> {
            Served s = select(name);
            return s == null ? null : s.context();
        };
        return new SniHandler(byName, handshakeTimeoutMs) {
            @Override
            protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
                SslHandler h = super.newSslHandler(context, allocator);
                Served s = served.stream().filter(x -> x.context() == context).findFirst().orElse(fallback);
                SSLEngine engine = h.engine();
                SSLParameters p = engine.getSSLParameters();
                p.setUseCipherSuitesOrder(s.serverOrder());
                engine.setSSLParameters(p);
                h.setHandshakeTimeoutMillis(handshakeTimeoutMs);
                return h;
            }
        };
    }

    private Served select(String sni) {
        if (sni == null) {
            return fallback;
        }
        String name = sni.toLowerCase(Locale.ROOT);
        for (Served s : served) {
            if (s.names().contains(name) && !s.excluded().contains(name)) {
                return s;
            }
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            String wildcard = "*" + name.substring(dot);
            for (Served s : served) {
                if (s.names().contains(wildcard) && !s.excluded().contains(name)) {
                    return s;
                }
            }
        }
        return fallback;
    }
}
