package dev.bascule.core.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;

import java.util.function.LongConsumer;

/**
 * Forwards what one side reads to the other. Reading stops while the other side cannot take more
 * (autoRead off until it is writable again), so a slow reader holds back a fast writer instead of filling
 * the heap. A FIN is passed on as a half-close while the other direction keeps flowing; the pair closes
 * when both directions have ended, when either side resets, or when a side's idle timeout fires.
 */
public final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final LongConsumer counted;
    private final SessionTimeout timeout;

    /**
     * @param counted told how many bytes each read brought, for the traffic counters
     * @param timeout the session's inactivity timer, or null when another handler watches inactivity
     */
    public Relay(Channel peer, LongConsumer counted, SessionTimeout timeout) {
        this.peer = peer;
        this.counted = counted;
        this.timeout = timeout;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            counted.accept(b.readableBytes());
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
