package dev.bascule.core;

import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Frontend;
import dev.bascule.core.tcp.TcpFrontendHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;

/** One bound address of a frontend: accepts within {@code maxconn} and starts a session per connection. */
final class Listener {
    /** HAProxy's default listen backlog when neither {@code backlog} nor {@code maxconn} say otherwise. */
    private static final int DEFAULT_BACKLOG = 1024;

    private final Channel channel;

    private Listener(Channel channel) {
        this.channel = channel;
    }

    static Listener bind(Frontend frontend, Bind bind, BackendState backend, ConnectionLimiter limiter,
                         EventLoopGroup loops, Transport transport) throws StartupException {
        long clientTimeout = frontend.timeouts().clientMs();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, frontend.maxconn() > 0 ? frontend.maxconn() : DEFAULT_BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new AcceptGate(limiter))
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        transport.prepare(ch);
                        IdleStateHandler idle = TcpFrontendHandler.idleTimeout(clientTimeout);
                        if (idle != null) {
                            ch.pipeline().addLast(idle);
                        }
                        ch.pipeline().addLast(new TcpFrontendHandler(backend, transport));
                    }
                });
        InetSocketAddress address = new InetSocketAddress(bind.host() == null ? "0.0.0.0" : bind.host(), bind.port());
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new StartupException("Starting frontend " + frontend.name() + ": cannot bind socket ("
                    + reason(cause) + ") [" + bind.address() + "]");
        }
        return new Listener(bound.channel());
    }

    private static String reason(Throwable cause) {
        String m = cause.getMessage();
        if (m == null) {
            return cause.getClass().getSimpleName();
        }
        // Netty's native errors read "bind(..) failed: Address already in use"; keep the errno text.
        int colon = m.lastIndexOf(": ");
        return colon >= 0 ? m.substring(colon + 2) : m;
    }

    ChannelFuture close() {
        return channel.close();
    }
}
