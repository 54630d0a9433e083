package dev.bascule.core.http;

import dev.bascule.config.model.HttpSettings;
import dev.bascule.config.model.HttpSettings.AddressHeader;
import dev.bascule.config.model.HttpSettings.ConnectionMode;
import dev.bascule.config.model.Mode;
import dev.bascule.core.BackendState;
import dev.bascule.core.FrontendState;
import dev.bascule.core.Switching;
import dev.bascule.core.Transport;
import dev.bascule.core.sample.SampleContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpResponseEncoder;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the connections of one {@code mode http} frontend share, worked out once: the frontend's settings merged
 * with a backend's, and the request analyzers that apply to it, in order. There is one per backend a request may go
 * to: the frontend's {@code use_backend} rules pick the one of the request's backend ({@link #routed}).
 */
public final class HttpProxy {
    /** HAProxy's {@code tune.bufsize}: a request line or header block must fit in it. */
    static final int BUFSIZE = dev.bascule.core.Buffers.BUFSIZE;
    /** HAProxy's {@code tune.http.maxhdr}: more header lines than this in a request is a 400. */
    static final int MAXHDR = 101;

    final FrontendState frontend;
    /** The backend these settings are merged with (the default one, or one a rule picks), or null. */
    final BackendState backend;
    final Transport transport;
    /** The frontend's {@code use_backend} rules and default backend. */
    final Switching switching;
    /** The frontend's {@code http-request} rules. */
    final RequestRules requestRules;
    /** The backend's then the frontend's {@code http-response} rules, and {@code http-after-response} ones. */
    final ResponseRules responseRules;
    final ResponseRules afterResponse;
    /** The frontend's {@code http-after-response} rules alone: for answers given before a backend was chosen. */
    final ResponseRules frontendAfterResponse;
    /** The backend's, run after the frontend's (none for a listen section's own: they ran as its frontend's). */
    final RequestRules backendRules;
    /**
     * {@code option http-buffer-request} of the frontend and of the backend: the body is waited for (as
     * {@code wait-for-body time <timeout http-request>} would) before that section's {@code http-request} rules.
     */
    final boolean frontendBuffers;
    final boolean backendBuffers;
    /** The frontend's {@code monitor-uri} and {@code monitor fail} conditions, or null. */
    final Monitor monitor;
    /** The applet handlers answering a request locally (stats page, exporter), or null. */
    final Function<SampleContext, ChannelHandler[]> claim;
    final ConnectionMode mode;
    final AddressHeader forwardFor;
    final AddressHeader originalTo;
    final HttpSettings.Reuse reuse;
    /** {@code retry-on} has conditions on responses: bodiless requests are kept to be sent again. */
    final boolean l7Retries;
    final RequestAnalyzer[] analyzers;
    /** This frontend's setup for each backend its rules may pick, shared by all of them (filled once, then read). */
    private final Map<BackendState, HttpProxy> routes;

    /** The frontend's setup with its default backend, and one per backend its {@code use_backend} rules name. */
    public HttpProxy(FrontendState frontend, Switching switching, Transport transport,
                     Function<SampleContext, ChannelHandler[]> claim) {
        this(frontend, switching, RequestRules.of(frontend.config().httpRequest()), Monitor.of(frontend.config()),
                switching.fallback(), transport, claim, new IdentityHashMap<>());
        routes.put(backend, this);
        if (switching.hasRules()) {
            for (BackendState b : switching.targets()) {
                if (b.config().mode() == Mode.HTTP) {
                    routes.computeIfAbsent(b, t -> new HttpProxy(frontend, switching, requestRules, monitor, t,
                            transport, claim, routes));
                }
            }
        }
    }

    private HttpProxy(FrontendState frontend, Switching switching, RequestRules requestRules, Monitor monitor,
                      BackendState backend, Transport transport, Function<SampleContext, ChannelHandler[]> claim,
                      Map<BackendState, HttpProxy> routes) {
        this.frontend = frontend;
        this.switching = switching;
        this.requestRules = requestRules;
        this.monitor = monitor;
        this.backend = backend;
        this.transport = transport;
        this.claim = claim;
        this.routes = routes;
        HttpSettings f = frontend.config().http();
        HttpSettings b = backend == null ? HttpSettings.NONE : backend.config().http();
        this.mode = f.connection().strictest(b.connection());
        this.forwardFor = b.forwardFor() != null ? b.forwardFor() : f.forwardFor();
        this.originalTo = b.originalTo() != null ? b.originalTo() : f.originalTo();
        this.reuse = b.reuse();
        this.l7Retries = backend != null && backend.config().retriesOnResponses();
        // A listen section is its own backend: its rules run once.
        boolean sameSection = backend != null && backend.config().source() != null
                && backend.config().source().equals(frontend.config().source());
        HttpSettings own = sameSection ? HttpSettings.NONE : b;
        this.responseRules = ResponseRules.of(List.of(own.httpResponse(), f.httpResponse()));
        this.afterResponse = ResponseRules.of(List.of(own.httpAfterResponse(), f.httpAfterResponse()));
        this.frontendAfterResponse = ResponseRules.of(List.of(f.httpAfterResponse()));
        this.backendRules = backend == null || sameSection ? RequestRules.of(List.of())
                : RequestRules.of(backend.config().httpRequest());
        this.frontendBuffers = f.bufferRequest() || sameSection && b.bufferRequest();
        this.backendBuffers = backend != null && !sameSection && b.bufferRequest();
        List<RequestAnalyzer> list = new ArrayList<>();
        if (frontend.tcpRules().hasContentRules()) {
            list.add(RequestAnalyzer.TCP_CONTENT_RULES);
        }
        if (monitor != null) {
            list.add(RequestAnalyzer.MONITOR_URI);
        }
        if (claim != null) {
            list.add(RequestAnalyzer.APPLETS);
        }
        if (!requestRules.isEmpty() || frontendBuffers) {
            list.add(RequestAnalyzer.HTTP_REQUEST_RULES);
        }
        if (switching.hasRules()) {
            list.add(RequestAnalyzer.SWITCHING);
        } else if (backend == null) {
            list.add(RequestAnalyzer.NO_BACKEND);
        } else {
            if (!backendRules.isEmpty() || backendBuffers) {
                list.add(RequestAnalyzer.BACKEND_REQUEST_RULES);
            }
            list.add(RequestAnalyzer.DISPATCH);
        }
        this.analyzers = list.toArray(RequestAnalyzer[]::new);
        ErrorPages.preload(f);
        if (backend != null) {
            ErrorPages.preload(b);
        }
    }

    /** This frontend's setup for requests going to {@code b} (one the rules may pick), or this one's for null. */
    HttpProxy routed(BackendState b) {
        HttpProxy r = routes.get(b);
        return r == null ? this : r;
    }

    /**
     * The client pipeline: {@link RequestParser} (heads and bodies as they came), Netty's response encoder for
     * the proxy's own answers (forwarded responses go past it), then the {@link ClientSide}.
     *
     * @param current this frontend's setup in the generation current when a request begins (a reload's)
     */
    public void install(Channel ch, Supplier<HttpProxy> current) {
        ClientSide client = new ClientSide(this, current);
        ch.pipeline().addLast(new RequestParser(BUFSIZE, client::bytesArrived), new HttpResponseEncoder(), client);
    }
}
