package dev.bascule.core;

import dev.bascule.config.model.Frontend;
import dev.bascule.core.sample.SampleContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * Frontends answered by the proxy itself rather than forwarded (HAProxy's applets: the stats page, the
 * Prometheus exporter). The runtime asks, per frontend, whether an applet serves it, and lets it set up each
 * accepted connection. Implemented outside the core (proxy-stats), which the core does not depend on.
 */
public interface Applets {
    /** @param backend the frontend's default backend, or null */
    boolean serves(Frontend frontend, BackendState backend);

    /** Sets up an accepted connection of a frontend this applet serves. */
    void install(Channel channel, FrontendState frontend, Runtime runtime);

    /**
     * The handlers that answer a request of a forwarding {@code mode http} frontend when it is the applet's (the
     * frontend's stats URI or exporter path, else the stats URI of the backend the request goes to), as HAProxy
     * intercepts them before the request goes to a server; null when it is not. They take HTTP/1.x messages.
     *
     * @param backend the backend the request goes to, or null
     * @param request the request as the sample layer reads it (the exporter's {@code use-service} condition)
     */
    ChannelHandler[] claim(FrontendState frontend, BackendState backend, SampleContext request, Runtime runtime);
}
