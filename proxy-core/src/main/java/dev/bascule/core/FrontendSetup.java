package dev.bascule.core;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Mode;
import dev.bascule.core.http.HttpProxy;
import dev.bascule.core.proxyprotocol.ProxyHeader;
import dev.bascule.core.proxyprotocol.ProxyHeaderReceiver;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.sample.Vars;
import dev.bascule.core.stream.Stream;
import dev.bascule.core.tcp.TcpFrontendHandler;
import dev.bascule.core.tls.TlsAccept;
import dev.bascule.core.tls.TlsTerminator;
import io.netty.channel.Channel;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a connection accepted for one frontend gets, from the generation current at its accept: the frontend's
 * live side, its default backend, and the handlers of its mode (an applet, the HTTP client side, or the TCP
 * relay). A listener reads it once per connection, so a reload changes what new connections get while the
 * ones already accepted keep theirs.
 */
final class FrontendSetup {
    /** How long a handshake may take when the frontend sets no {@code timeout client} (Netty's default). */
    private static final long DEFAULT_HANDSHAKE_MS = 10_000;

    final FrontendState state;
    /** The TLS termination of each of its TLS binds, by address. */
    final Map<Address, TlsTerminator> tls;
    /** The addresses of its {@code accept-proxy} binds. */
    private final Set<Address> acceptProxy;
    /** Its {@code use_backend} rules and default backend. */
    private final Switching switching;
    private final Transport transport;
    /** The HTTP client side's shared setup, or null in mode tcp or for an applet-only frontend. */
    private final HttpProxy http;
    /** Installs the local service on each connection instead of forwarding, or null. */
    private final Consumer<Channel> applet;

    FrontendSetup(FrontendState state, Switching switching, Transport transport, HttpProxy http,
                  Consumer<Channel> applet, Map<Address, TlsTerminator> tls) {
        this.state = state;
        this.tls = Map.copyOf(tls);
        this.acceptProxy = state.config().binds().stream().filter(b -> b.options().acceptProxy())
                .map(b -> b.address()).collect(Collectors.toUnmodifiableSet());
        this.switching = switching;
        this.transport = transport;
        this.http = http;
        this.applet = applet;
    }

    /**
     * The {@code tcp-request connection} rules, on the addresses alone: a rejected connection is closed with a reset
     * (HAProxy's no-linger close), counted, and neither logged nor given a stream.
     */
    private TcpRequestRules.Admission connectionAdmission(Channel ch) {
        TcpRequestRules.Admission a = state.tcpRules().connectionAdmission(addresses(ch));
        if (a == TcpRequestRules.Admission.REFUSED) {
            state.counters().connectionDenied();
            TcpRequestRules.kill(ch);
        }
        return a;
    }

    /** The {@code tcp-request session} rules, once the connection is established (its TLS handshake done), as HAProxy. */
    private boolean sessionAdmitted(Channel ch) {
        if (state.tcpRules().sessionAccepted(addresses(ch))) {
            return true;
        }
        state.counters().sessionDenied();
        TcpRequestRules.kill(ch);
        return false;
    }

    /**
     * What the connection and session rules read: the addresses (the socket's for the connection rules, a received
     * PROXY header's after it), and the variables they may set ({@code sess.}).
     */
    private SampleContext addresses(Channel ch) {
        return new SampleContext(ProxyHeader.client(ch), ProxyHeader.destination(ch), null, state, null, null,
                switching::backend).with(Vars.holdSession(ch)).onListener(Stream.listenerNameOf(ch));
    }

    /** Whether accepted channels are read as soon as they are active (applets read by themselves). */
    boolean autoRead() {
        return applet != null;
    }

    /**
     * @param bound   the address the connection came in on: a TLS bind's connection first completes its handshake
     * @param current this frontend's setup in the current generation, read again at each HTTP request
     */
    void initChannel(Channel ch, Address bound, Supplier<FrontendSetup> current) {
        Stream.acceptedOn(ch, configuredName(bound));
        // tcp-request connection rules come first, on the socket's addresses, before a PROXY header and a TLS
        // handshake; session rules once both are done, on the header's addresses.
        TcpRequestRules.Admission admission = state.tcpRules().hasConnectionRules() ? connectionAdmission(ch)
                : TcpRequestRules.Admission.ADMITTED;
        if (admission == TcpRequestRules.Admission.REFUSED) {
            return;
        }
        // accept-proxy on the bind, or tcp-request connection expect-proxy layer4 for this client.
        if (!acceptProxy.contains(bound) && admission != TcpRequestRules.Admission.ADMITTED_EXPECTING_PROXY) {
            established(ch, bound, current);
            return;
        }
        ch.config().setAutoRead(false);
        long accepted = System.currentTimeMillis();
        ch.pipeline().addLast(new ProxyHeaderReceiver(handshakeMs(), () -> established(ch, bound, current),
                error -> {
                    if (!(error.isNull() && state.config().log().dontLogNull())) {
                        connectionError(ch, bound, accepted, error.message());
                    }
                }));
    }

    /** How long a PROXY header or a TLS handshake may take: {@code timeout client}, as HAProxy's embryonic session. */
    private long handshakeMs() {
        long clientMs = state.config().timeouts().clientMs();
        return clientMs > 0 ? clientMs : DEFAULT_HANDSHAKE_MS;
    }

    private void connectionError(Channel ch, Address bound, long accepted, String reason) {
        if (state.log() != null) {
            state.log().connectionError(ch.remoteAddress(), bindName(bound), accepted, reason);
        }
    }

    /** The connection is established (its PROXY header, if any, read): a TLS bind's handshake, then the frontend. */
    private void established(Channel ch, Address bound, Supplier<FrontendSetup> current) {
        TlsTerminator t = tls.get(bound);
        if (t == null) {
            ch.config().setAutoRead(autoRead());
            install(ch, current);
            return;
        }
        ch.config().setAutoRead(false);
        long accepted = System.currentTimeMillis();
        ch.pipeline().addLast(t.handler(handshakeMs()), new TlsAccept(() -> {
            install(ch, current);
            ch.config().setAutoRead(autoRead());
        }, reason -> connectionError(ch, bound, accepted, reason)));
    }

    /** The {@code name} option of the bind line of that address, or null. */
    private String configuredName(Address bound) {
        for (var b : state.config().binds()) {
            if (b.address().equals(bound)) {
                return b.options().name();
            }
        }
        return null;
    }

    /** The listener's name in HAProxy's connection error lines: its {@code name}, else its number in the frontend. */
    private String bindName(Address bound) {
        var binds = state.config().binds();
        for (int i = 0; i < binds.size(); i++) {
            if (binds.get(i).address().equals(bound)) {
                String name = binds.get(i).options().name();
                return name != null ? name : String.valueOf(i + 1);
            }
        }
        return "?";
    }

    private void install(Channel ch, Supplier<FrontendSetup> current) {
        if (state.tcpRules().hasConnectionRules() && !sessionAdmitted(ch)) {
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
            state.log().accepted(ProxyHeader.client(ch), ProxyHeader.destination(ch));
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
