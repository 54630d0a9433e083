package dev.bascule.core.tcp;

import dev.bascule.core.BackendState;
import dev.bascule.core.Dispatch;
import dev.bascule.core.FrontendState;
import dev.bascule.core.ServerState;
import dev.bascule.core.Switching;
import dev.bascule.core.Transport;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.stream.Stream;
import dev.bascule.core.tls.TlsSession;
import dev.bascule.core.stream.Termination;
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
    private final Switching switching;
    /** Where this session goes: the {@code use_backend} rules' choice at its start, or the default backend. */
    private BackendState backend;
    private final Transport transport;
    private Dispatch dispatch;
    private Stream stream;
    /** The server connection, once connected. */
    private Channel server;
    private ChannelHandlerContext ctx;
    private final List<Object> early = new ArrayList<>();
    private boolean clientFinished;

    /** @param switching where sessions go ({@code use_backend}, {@code default_backend}) */
    public TcpFrontendHandler(FrontendState frontend, Switching switching, Transport transport) {
        this.frontend = frontend;
        this.switching = switching;
        this.transport = transport;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        long accepted = System.nanoTime();
        Channel client = ctx.channel();
        stream = new Stream(frontend, client.remoteAddress(), client.localAddress(), accepted);
        stream.tls(TlsSession.of(client));
        // At the session's start, as HAProxy without tcp-request content rules: layer 7 fetches find nothing.
        backend = switching.hasRules() ? switching.choose(SampleContext.of(stream, null, switching::backend))
                : switching.fallback();
        if (backend == null) {
            // HAProxy's "no backend" for a TCP frontend without default_backend.
            stream.terminate(Termination.Cause.INTERNAL);
            stream.end();
            ctx.close();
            return;
        }
        stream.backend(backend);
        dispatch = new Dispatch(client, backend, transport, this);
        client.closeFuture().addListener(f -> {
            if (stream.state() != Stream.State.DATA) {
                // Closed before its server connection was up: the client gave up (unless a cause came first).
                stream.terminate(Termination.Cause.CLIENT_ABORT);
            }
            dispatch.release();
            if (server != null) {
                // Its session on the server ends before the line is logged, as HAProxy's does (%bc, %sc).
                server.close();
            }
            backend.timings().ended(System.nanoTime() - accepted);
            stream.end();
        });
        dispatch.start(stream);
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
        server = serverChannel;
        target.sessionStarted();
        target.track(client);
        serverChannel.closeFuture().addListener(f -> target.sessionEnded());
        stream.relaying();
        SessionTimeout timeout = SessionTimeout.start(client, serverChannel, frontend.config().timeouts().clientMs(),
                backend.config().timeouts().serverMs(), stream);
        serverChannel.pipeline().addLast(new Relay(client, stream, false, timeout));
        ctx.pipeline().replace(this, "relay", new Relay(serverChannel, stream, true, timeout));
        if (!early.isEmpty()) {
            for (Object m : early) {
                if (m instanceof ByteBuf b) {
                    stream.bytesIn(b.readableBytes());
                }
                serverChannel.write(m);
            }
            early.clear();
            serverChannel.flush();
        }
        if (frontend.log() != null) {
            // option logasap: HAProxy's line of a TCP session is written once its server is connected.
            frontend.log().early(stream, System.nanoTime());
        }
        if (clientFinished) {
            client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        client.config().setAutoRead(true);
        serverChannel.config().setAutoRead(true);
    }
}
