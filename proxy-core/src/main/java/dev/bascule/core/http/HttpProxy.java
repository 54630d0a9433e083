package dev.bascule.core.http;

import dev.bascule.config.model.HttpSettings;
import dev.bascule.config.model.HttpSettings.AddressHeader;
import dev.bascule.config.model.HttpSettings.ConnectionMode;
import dev.bascule.core.BackendState;
import dev.bascule.core.FrontendState;
import dev.bascule.core.Transport;
import dev.bascule.core.sample.SampleContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpResponseEncoder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the connections of one {@code mode http} frontend share, worked out once: the frontend's settings merged
 * with its default backend's, and the request analyzers that apply to it, in order.
 */
public final class HttpProxy {
    /** HAProxy's {@code tune.bufsize}: a request line or header block must fit in it. */
    static final int BUFSIZE = 16384;
    /** HAProxy's {@code tune.http.maxhdr}: more header lines than this in a request is a 400. */
    static final int MAXHDR = 101;

    final FrontendState frontend;
    /** The default backend, or null. */
    final BackendState backend;
    final Transport transport;
    /** This generation's backends by name, for the fetches that name one ({@code nbsrv(be)}). */
    final Function<String, BackendState> backends;
    /** The applet handlers answering a request locally (stats page, exporter), or null. */
    final Function<SampleContext, ChannelHandler[]> claim;
    final ConnectionMode mode;
    final AddressHeader forwardFor;
    final AddressHeader originalTo;
    final HttpSettings.Reuse reuse;
    /** {@code retry-on} has conditions on responses: bodiless requests are kept to be sent again. */
    final boolean l7Retries;
    final RequestAnalyzer[] analyzers;

    public HttpProxy(FrontendState frontend, BackendState backend, Function<String, BackendState> backends,
                     Transport transport, Function<SampleContext, ChannelHandler[]> claim) {
        this.frontend = frontend;
        this.backend = backend;
        this.backends = backends;
        this.transport = transport;
        this.claim = claim;
        HttpSettings f = frontend.config().http();
        HttpSettings b = backend == null ? HttpSettings.NONE : backend.config().http();
        this.mode = f.connection().strictest(b.connection());
        this.forwardFor = b.forwardFor() != null ? b.forwardFor() : f.forwardFor();
        this.originalTo = b.originalTo() != null ? b.originalTo() : f.originalTo();
        this.reuse = b.reuse();
        this.l7Retries = backend != null && backend.config().retriesOnResponses();
        List<RequestAnalyzer> list = new ArrayList<>();
        if (f.monitorUri() != null) {
            list.add(RequestAnalyzer.MONITOR_URI);
        }
        if (claim != null) {
            list.add(RequestAnalyzer.APPLETS);
        }
        // Here http-request rules and use_backend will run.
        list.add(backend == null ? RequestAnalyzer.NO_BACKEND : RequestAnalyzer.DISPATCH);
        this.analyzers = list.toArray(RequestAnalyzer[]::new);
        ErrorPages.preload(f);
        if (backend != null) {
            ErrorPages.preload(b);
        }
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
