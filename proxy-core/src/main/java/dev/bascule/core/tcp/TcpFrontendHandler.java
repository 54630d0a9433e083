package dev.bascule.core.tcp;

import dev.bascule.core.BackendState;
import dev.bascule.core.Dispatch;
import dev.bascule.core.FrontendState;
import dev.bascule.core.ServerState;
import dev.bascule.core.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;

/**
 * The client side of a TCP-mode session before it is relayed: gets a server through {@link Dispatch}, then
 * hands both channels to {@link Relay}. The client is not read until the server connection is up, except
 * that a client FIN makes epoll read what came before it: that data and the FIN are kept and passed on once
 * connected.
 */
public final class TcpFrontendHandler extends ChannelInboundHandlerAdapter implements Dispatch.Outcome {
    private final FrontendState frontend;
    private final BackendState backend;
    private final Transport transport;
    private Dispatch dispatch;
    private ChannelHandlerContext ctx;
    private final List<Object> early = new ArrayList<>();
    private boolean clientFinished;

    /** @param backend where sessions go, or null when the frontend has no default backend */
    public TcpFrontendHandler(FrontendState frontend, BackendState backend, Transport transport) {
        this.frontend = frontend;
        this.backend = backend;
        this.transport = transport;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (backend == null) {
            ctx.close();
            return;
        }
        this.ctx = ctx;
        long accepted = System.nanoTime();
        dispatch = new Dispatch(ctx.channel(), backend, transport, this);
        ctx.channel().closeFuture().addListener(f -> {
            dispatch.release();
            backend.timings().ended(System.nanoTime() - accepted);
        });
        dispatch.start();
    }

    @Override
    public void failed(String reason) {
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.add(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            clientFinished = true;
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void connected(Channel serverChannel, ServerState target, boolean reused) {
        Channel client = ctx.channel();
        target.sessionStarted();
        target.track(client);
        serverChannel.closeFuture().addListener(f -> target.sessionEnded());
        SessionTimeout timeout = SessionTimeout.start(client, serverChannel, frontend.config().timeouts().clientMs(),
                backend.config().timeouts().serverMs());
        serverChannel.pipeline().addLast(new Relay(client, bytes -> {
            frontend.bytesOut(bytes);
            target.transferred(0, bytes);
        }, timeout));
        ctx.pipeline().replace(this, "relay", new Relay(serverChannel, bytes -> {
            frontend.bytesIn(bytes);
            target.transferred(bytes, 0);
        }, timeout));
        if (!early.isEmpty()) {
            for (Object m : early) {
                if (m instanceof ByteBuf b) {
                    frontend.bytesIn(b.readableBytes());
                    target.transferred(b.readableBytes(), 0);
                }
                serverChannel.write(m);
            }
            early.clear();
            serverChannel.flush();
        }
        if (clientFinished) {
            client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        client.config().setAutoRead(true);
        serverChannel.config().setAutoRead(true);
    }
}
