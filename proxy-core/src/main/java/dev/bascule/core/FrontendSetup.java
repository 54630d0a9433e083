package dev.bascule.core;

import dev.bascule.config.model.Mode;
import dev.bascule.core.http.HttpProxy;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.tcp.TcpFrontendHandler;
import io.netty.channel.Channel;

import java.util.function.Consumer;

/**
 * What a connection accepted for one frontend gets, from the generation current at its accept: the frontend's
 * live side, its default backend, and the handlers of its mode (an applet, the HTTP client side, or the TCP
 * relay). A listener reads it once per connection, so a reload changes what new connections get while the
 * ones already accepted keep theirs.
 */
final class FrontendSetup {
    final FrontendState state;
    /** Its {@code use_backend} rules and default backend. */
    private final Switching switching;
    private final Transport transport;
    /** The HTTP client side's shared setup, or null in mode tcp or for an applet-only frontend. */
    private final HttpProxy http;
    /** Installs the local service on each connection instead of forwarding, or null. */
    private final Consumer<Channel> applet;

    FrontendSetup(FrontendState state, Switching switching, Transport transport, HttpProxy http,
                  Consumer<Channel> applet) {
        this.state = state;
        this.switching = switching;
        this.transport = transport;
        this.http = http;
        this.applet = applet;
    }

    /**
     * The {@code tcp-request connection} then {@code session} rules, on the addresses alone: a rejected connection is
     * closed with a reset (HAProxy's no-linger close), counted, and neither logged nor given a stream.
     */
    private boolean admitted(Channel ch) {
        SampleContext c = new SampleContext(ch.remoteAddress(), ch.localAddress(), null, state, null, null,
                switching::backend);
        TcpRequestRules rules = state.tcpRules();
        if (rules.connectionAccepted(c)) {
            if (rules.sessionAccepted(c)) {
                return true;
            }
            state.counters().sessionDenied();
        } else {
            state.counters().connectionDenied();
        }
        TcpRequestRules.kill(ch);
        return false;
    }

    /** Whether accepted channels are read as soon as they are active (applets read by themselves). */
    boolean autoRead() {
        return applet != null;
    }

    /** @param current this frontend's setup in the current generation, read again at each HTTP request */
    void initChannel(Channel ch, java.util.function.Supplier<FrontendSetup> current) {
        if (state.tcpRules().hasConnectionRules() && !admitted(ch)) {
            return;
        }
        // A relayed TCP session gets one timer for both sides once connected (SessionTimeout).
        InactivityTimeout idle = state.config().mode() == Mode.TCP && applet == null ? null
                : InactivityTimeout.of(state.config().timeouts().clientMs());
        if (idle != null) {
            ch.pipeline().addLast(idle);
        }
        // HAProxy writes its default line when a stream begins: at the accept in TCP mode, at each request head in
        // HTTP mode (ClientSide), so none for a connection that never sends one whole.
        if (state.log() != null && http == null) {
            state.log().accepted(ch.remoteAddress(), ch.localAddress());
        }
        if (applet != null) {
            applet.accept(ch);
        } else if (http != null) {
            http.install(ch, () -> current.get().http);
        } else {
            ch.pipeline().addLast(new TcpFrontendHandler(state, switching, transport));
        }
    }
}
