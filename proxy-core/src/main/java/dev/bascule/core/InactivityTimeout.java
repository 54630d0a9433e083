package dev.bascule.core;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * HAProxy's {@code timeout client} or {@code timeout server} on one connection: fires
 * {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} when nothing was read or written for the timeout. Unlike Netty's
 * {@code IdleStateHandler} it notes a write when it is issued rather than when it completes, so it needs no
 * promise and listener on every write (about 3% of the HTTP path in profiles). A peer that stops reading still
 * times out: the proxy issues no writes to a channel that is not writable. One timer per connection, which
 * sleeps again when it fires early.
 */
public final class InactivityTimeout extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private long lastActivity;
    /** The peer is not expected to send or read anything now (HAProxy applies no client timeout then). */
    private boolean suspended;
    private ScheduledFuture<?> timer;
    private ChannelHandlerContext ctx;

    private InactivityTimeout(long ms) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /** @return the timeout of a connection, or null when it is 0 (infinite, as in HAProxy) */
    public static InactivityTimeout of(long ms) {
        return ms > 0 ? new InactivityTimeout(ms) : null;
    }

    /** The period, in milliseconds. */
    public long millis() {
        return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = System.nanoTime();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        lastActivity = System.nanoTime();
        ctx.write(msg, promise);
    }

    /**
     * Suspends the timeout, or resumes it with a full period ahead: a client whose whole request went to the
     * server waits for the response under {@code timeout server}, not {@code timeout client}.
     */
    public void suspend(boolean suspend) {
        if (suspend) {
            suspended = true;
        } else if (suspended) {
            resume(System.nanoTime());
        }
    }

    /** Resumes a suspended timeout with a full period from {@code now}, a clock reading the caller has. */
    public void resume(long now) {
        if (suspended) {
            suspended = false;
            lastActivity = now;
        }
    }

    private void start() {
        if (timer == null) {
            lastActivity = System.nanoTime();
            schedule(timeoutNanos);
        }
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void schedule(long nanos) {
        timer = ctx.executor().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
    }

    private void expired() {
        if (!ctx.channel().isOpen() || ctx.isRemoved()) {
            return;
        }
        long idle = System.nanoTime() - lastActivity;
        if (suspended) {
            schedule(timeoutNanos);
        } else if (idle >= timeoutNanos) {
            schedule(timeoutNanos);
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        } else {
            schedule(timeoutNanos - idle);
        }
    }
}
