package dev.bascule.core.tls;

import dev.bascule.config.model.Mode;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerTls;
import dev.bascule.config.model.TlsSettings;
import dev.bascule.core.sample.Expression;
import dev.bascule.core.sample.SampleContext;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * A server's TLS ({@code ssl}, {@code check-ssl}): the contexts toward it, and per connection the handler that
 * sends the {@code sni} expression's value and checks the server's certificate (and with {@code verify required},
 * its name: {@code verifyhost}, else the SNI's value). The JDK's client session cache, keyed by the server's name
 * and port, resumes sessions on new connections; kept idle connections are reused whole ({@code http-reuse}).
 */
public final class TlsOrigin {
    private static final List<String> HTTP1 = List.of("http/1.1", "http/1.0");

    private final ServerTls config;
    private final SslContext traffic;
    private final SslContext check;
    private final Expression sni;

    private TlsOrigin(ServerTls config, Mode mode, boolean checksOwnPlace) throws SSLException {
        this.config = config;
        List<String> alpn = mode == Mode.HTTP ? config.settings().alpn().stream().filter(HTTP1::contains).toList()
                : config.settings().alpn();
        this.traffic = config.ssl() ? TlsContexts.client(config.settings(), config.crt(), alpn) : null;
        // As HAProxy: an ssl server's checks are TLS too, unless sent elsewhere (port, addr) without check-ssl.
        this.check = config.checkSsl() || config.ssl() && !checksOwnPlace
                ? TlsContexts.client(config.settings(), config.crt(), config.checkAlpn()) : null;
        this.sni = config.sni() == null ? null : Expression.of(config.sni());
    }

    /** The server's TLS, or null when it uses none. */
    public static TlsOrigin of(Server server, Mode mode) throws SSLException {
        return server.tls() == null || !server.tls().used() ? null : new TlsOrigin(server.tls(), mode,
                server.check().port() != 0 || server.check().addr() != null);
    }

    /** Whether its traffic goes over TLS ({@code ssl}); its checks may without it ({@code check-ssl}). */
    public boolean traffic() {
        return traffic != null;
    }

    public boolean checks() {
        return check != null;
    }

    /** The handler for a connection carrying a stream whose facts {@code ctx} gives (for the {@code sni} expression). */
    public SslHandler handler(Channel ch, SocketAddress remote, SampleContext ctx) {
        String name = sni == null ? null : sni.text(ctx);
        return handler(traffic, ch, remote, name == null || name.isEmpty() ? null : name);
    }

    /** The handler for a health check's connection ({@code check-sni}). */
    public SslHandler checkHandler(Channel ch, SocketAddress remote) {
        return handler(check, ch, remote, config.checkSni());
    }

    private SslHandler handler(SslContext context, Channel ch, SocketAddress remote, String serverName) {
        String verified = config.verifyHost() != null ? config.verifyHost() : serverName;
        int port = remote instanceof InetSocketAddress a ? a.getPort() : -1;
        SSLEngine engine = verified == null && !config.reuseSessions() ? context.newEngine(ch.alloc())
                : context.newEngine(ch.alloc(), verified != null ? verified : host(remote), port);
        SSLParameters p = engine.getSSLParameters();
        p.setServerNames(serverName == null ? List.of() : sniOf(serverName));
        if (config.settings().verify() == TlsSettings.Verify.REQUIRED && verified != null) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(p);
        return new SslHandler(engine);
    }

    /** No SNI for a value that is no host name (an address literal, say), as OpenSSL would refuse it too. */
    private static List<javax.net.ssl.SNIServerName> sniOf(String name) {
        try {
            return List.of(new SNIHostName(name));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private static String host(SocketAddress remote) {
        return remote instanceof InetSocketAddress a ? a.getHostString() : null;
    }
}
