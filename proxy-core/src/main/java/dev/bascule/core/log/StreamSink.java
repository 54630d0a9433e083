package dev.bascule.core.log;

import dev.bascule.core.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * TCP syslog ({@code tcp@}): one connection for the process, lines ended by a newline as HAProxy 2.6 sends them.
 * It connects at the first line and again a second after it closes; while it is down, or while its outbound
 * buffer is full, lines are dropped.
 */
final class StreamSink implements LogSink {
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Bootstrap bootstrap;
    private volatile Channel channel;
    private volatile long downSince;
    private boolean connecting;

    StreamSink(Transport transport, EventLoopGroup group, dev.bascule.config.model.Address address,
               SocketAddress remote) throws dev.bascule.core.StartupException {
        bootstrap = new Bootstrap().group(group).channelFactory(transport.outbound(transport.connector(address), remote))
                .remoteAddress(remote)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        io.netty.util.ReferenceCountUtil.release(msg);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
    }

    @Override
    public boolean send(ByteBuf line) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            connect();
            line.release();
            return false;
        }
        if (!ch.isWritable()) {
            line.release();
            return false;
        }
        ch.writeAndFlush(line, ch.voidPromise());
        return true;
    }

    private synchronized void connect() {
        if (connecting || downSince != 0 && System.nanoTime() - downSince < RETRY_NANOS) {
            return;
        }
        connecting = true;
        bootstrap.connect().addListener(f -> {
            Channel c = ((io.netty.channel.ChannelFuture) f).channel();
            synchronized (this) {
                connecting = false;
                if (f.isSuccess()) {
                    channel = c;
                    downSince = 0;
                    c.closeFuture().addListener(x -> downSince = System.nanoTime());
                } else {
                    downSince = System.nanoTime();
                }
            }
        });
    }

    @Override
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }
}
