package dev.bascule.core.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/** The server end of an HTTP transaction: hands each response message to the client side. */
final class ServerSide extends ChannelInboundHandlerAdapter {
    private final HttpFrontendHandler client;

    private ChannelHandlerContext ctx;
    /** As on the client side: a read the read event did not satisfy is asked again. */
    private boolean readWanted;

    ServerSide(HttpFrontendHandler client) {
        this.client = client;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void read() {
        readWanted = true;
        ctx.read();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readWanted) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readWanted = false;
        client.onResponse(ctx.channel(), msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            client.serverWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** {@code timeout server} while a response is awaited is HAProxy's 504. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            client.serverFailed(ctx.channel(), 504);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
