package dev.bascule.core.tcp;

import dev.bascule.core.stream.Stream;
import dev.bascule.core.stream.Termination;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;


/**
 * Forwards what one side reads to the other. Reading stops while the other side cannot take more
 * (autoRead off until it is writable again), so a slow reader holds back a fast writer instead of filling
 * the heap. A FIN is passed on as a half-close while the other direction keeps flowing; the pair closes
 * when both directions have ended, when either side resets, or when a side's idle timeout fires.
 */
public final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final Stream stream;
    /** This end is the client's: what it reads is the stream's bytes in, and an error on it the client's abort. */
    private final boolean clientEnd;
    private final SessionTimeout timeout;

    /**
     * @param stream  the stream whose bytes and termination this relay records
     * @param timeout the session's inactivity timer, or null when another handler watches inactivity
     */
    public Relay(Channel peer, Stream stream, boolean clientEnd, SessionTimeout timeout) {
        this.peer = peer;
        this.stream = stream;
        this.clientEnd = clientEnd;
        this.timeout = timeout;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            if (clientEnd) {
                stream.bytesIn(b.readableBytes());
            } else {
                stream.bytesOut(b.readableBytes());
            }
        }
        if (timeout != null) {
            timeout.touch();
        }
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            DuplexChannel self = (DuplexChannel) ctx.channel();
            DuplexChannel other = (DuplexChannel) peer;
            if (other.isInputShutdown() || !other.isActive()) {
                closeBoth(ctx.channel());
            } else {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                    other.shutdownOutput();
                    if (self.isOutputShutdown()) {
                        closeBoth(ctx.channel());
                    }
                });
            }
        } else if (evt instanceof IdleStateEvent) {
            // timeout tunnel, on this end's pipeline.
            stream.terminate(clientEnd ? Termination.Cause.CLIENT_TIMEOUT : Termination.Cause.SERVER_TIMEOUT);
            ctx.channel().close();
            peer.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeBoth(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset or a broken pipe on one side ends the session on both; the operator's log is the traffic log.
        stream.terminate(clientEnd ? Termination.Cause.CLIENT_ABORT : Termination.Cause.SERVER_ABORT);
        ctx.channel().close();
        peer.close();
    }

    /** Delivers what is still queued for the peer, then closes both sides. */
    private void closeBoth(Channel self) {
        self.close();
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
