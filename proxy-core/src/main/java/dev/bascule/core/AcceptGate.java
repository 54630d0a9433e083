package dev.bascule.core;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;

import java.util.ArrayDeque;

/**
 * Sits on a listening channel before the acceptor and enforces {@code maxconn} the way HAProxy does: at the
 * limit the listener stops accepting (new clients wait in the kernel's backlog) instead of refusing, and it
 * resumes as soon as a connection ends. The few connections already taken from the backlog in the same
 * read are parked, unregistered and unread, until a slot frees.
 */
final class AcceptGate extends ChannelInboundHandlerAdapter {
    private final ConnectionLimiter limiter;
    private final FrontendState frontend;
    private final ArrayDeque<Channel> parked = new ArrayDeque<>();
    private ChannelHandlerContext ctx;

    AcceptGate(FrontendState frontend) {
        this.frontend = frontend;
        this.limiter = frontend.limiter();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = Transport.prepare((Channel) msg);
        if (parked.isEmpty() && limiter.tryAcquire()) {
            admit(child);
        } else {
            parked.add(child);
            pause();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Channel child;
        while ((child = parked.poll()) != null) {
            child.unsafe().closeForcibly();
        }
        ctx.fireChannelInactive();
    }

    private void admit(Channel child) {
        frontend.accepted();
        child.closeFuture().addListener(f -> {
            // After the connection's other close listeners: the line its last stream logs then still counts it
            // (%ac, %fc), as HAProxy's session outlives its stream.
            EventLoop loop = child.eventLoop();
            if (loop.isShuttingDown()) {
                limiter.release();
            } else {
                loop.execute(limiter::release);
            }
        });
        ctx.fireChannelRead(child);
    }

    private void pause() {
        ctx.channel().config().setAutoRead(false);
        limiter.onRelease(() -> ctx.executor().execute(this::drain));
        // A slot may have freed between the failed acquire and the registration above.
        ctx.executor().execute(this::drain);
    }

    private void drain() {
        while (!parked.isEmpty()) {
            if (!limiter.tryAcquire()) {
                limiter.onRelease(() -> ctx.executor().execute(this::drain));
                return;
            }
            admit(parked.poll());
        }
        if (ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
    }
}
