package dev.bascule.core.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code bind ... accept-proxy}: holds a client connection back until its PROXY protocol header has come (in as many
 * reads as it takes, bounded in size and by a timer), records the header on the channel ({@link ProxyHeader}), has
 * what follows installed behind itself (the TLS handshake of an {@code ssl} bind, or the frontend's handlers) and
 * only then tells them the connection is active and hands them the bytes that came after the header. A connection
 * whose first bytes are no header, or that closes or stays silent before one is whole, is closed: no stream began.
 */
public final class ProxyHeaderReceiver extends ChannelInboundHandlerAdapter {
    private enum State { AWAITING, DONE }

    private final long timeoutMs;
    private final Runnable accepted;
    private final Consumer<HeaderError> failed;
    private State state = State.AWAITING;
    /** The bytes so far while a header is incomplete, or null. */
    private ByteBuf received;
    private ScheduledFuture<?> timer;

    /**
     * @param timeoutMs how long the header may take to come whole (the frontend's {@code timeout client})
     * @param accepted  adds what follows the header after this handler, once the header is recorded
     * @param failed    told once why the connection is closed
     */
    public ProxyHeaderReceiver(long timeoutMs, Runnable accepted, Consumer<HeaderError> failed) {
        this.timeoutMs = timeoutMs;
        this.accepted = accepted;
        this.failed = failed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Not passed on: the handlers behind are told once the header has come.
        timer = ctx.executor().schedule(() -> fail(ctx, HeaderError.TIMEOUT), timeoutMs, TimeUnit.MILLISECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state != State.AWAITING || !(msg instanceof ByteBuf data)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = data;
        if (received != null) {
            received.writeBytes(data);
            data.release();
            in = received;
            received = null;
        }
        HeaderParser.Result r = HeaderParser.parse(in);
        if (r instanceof HeaderParser.NeedMore) {
            received = in == data ? copy(ctx, data) : in;
            ctx.read();
        } else if (r instanceof HeaderParser.Invalid i) {
            in.release();
            fail(ctx, i.error());
        } else {
            HeaderParser.Parsed p = (HeaderParser.Parsed) r;
            in.skipBytes(p.length());
            accept(ctx, p.header(), in);
        }
    }

    /**
     * A read's bytes kept for the next read: copied into a buffer of this handler's, which the next read's bytes are
     * appended to (a header incomplete is shorter than its longest form, so what is kept stays bounded).
     */
    private static ByteBuf copy(ChannelHandlerContext ctx, ByteBuf in) {
        ByteBuf b = ctx.alloc().heapBuffer(Math.max(in.readableBytes(), 128));
        b.writeBytes(in);
        in.release();
        return b;
    }

    private void accept(ChannelHandlerContext ctx, ProxyHeader header, ByteBuf rest) {
        state = State.DONE;
        if (timer != null) {
            timer.cancel(false);
        }
        header.record(ctx.channel());
        accepted.run();
        if (!ctx.channel().isActive()) {
            // What follows refused the connection (a tcp-request session rule) and closed it.
            rest.release();
            return;
        }
        ctx.fireChannelActive();
        if (rest.isReadable()) {
            ctx.fireChannelRead(rest);
            ctx.fireChannelReadComplete();
        } else {
            rest.release();
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && state == State.AWAITING) {
            closedEarly(ctx);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.AWAITING) {
            closedEarly(ctx);
            return;
        }
        ctx.fireChannelInactive();
    }

    private void closedEarly(ChannelHandlerContext ctx) {
        fail(ctx, received != null && received.isReadable() ? HeaderError.TRUNCATED : HeaderError.CLOSED);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.AWAITING) {
            fail(ctx, HeaderError.ABORTED);
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void fail(ChannelHandlerContext ctx, HeaderError error) {
        if (state != State.AWAITING) {
            return;
        }
        state = State.DONE;
        if (timer != null) {
            timer.cancel(false);
        }
        release();
        failed.accept(error);
        ctx.close();
    }

    private void release() {
        if (received != null) {
            received.release();
            received = null;
        }
    }
}
