package dev.bascule.core;

import dev.bascule.config.model.Frontend;
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
     * Whether a request of a forwarding {@code mode http} frontend is the applet's (its stats URI, its
     * exporter path), as HAProxy intercepts them before the request goes to a server.
     */
    boolean claims(Frontend frontend, String uri);

    /** The handlers that answer a claimed request; they take HTTP/1.x messages, not bytes. */
    ChannelHandler[] handlers(FrontendState frontend, Runtime runtime);
}
