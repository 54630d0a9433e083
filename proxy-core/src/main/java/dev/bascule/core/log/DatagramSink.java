package dev.bascule.core.log;

import dev.bascule.core.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.EventExecutor;

import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * UDP syslog or a Unix datagram socket ({@code /dev/log}): one connected channel per event loop, so a line is
 * written on the loop its stream ended on, without a hand-over between threads. A channel whose outbound buffer is
 * full (the receiver is slow, the socket's buffer full) is not writable, and lines are dropped until it drains; one
 * that could not connect (no socket at that path yet) is tried again a second later.
 */
final class DatagramSink implements LogSink {
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final WriteBufferWaterMark BUFFERED = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final Transport transport;
    private final boolean unix;
    private final SocketAddress remote;
    private final EventLoop[] loops;
    private final Channel[] channels;
    private final long[] failedAt;
    /** A flush is queued on the loop: the lines of one turn of the loop leave together, in one sendmmsg(2). */
    private final boolean[] flushQueued;
    private final Runnable[] flushes;
    /**
     * Lines that came while the loop's channel connects: epoll connects a datagram socket at once, io_uring a turn
     * of the loop later. At most {@link #MAX_HELD}; more are dropped, as by a full channel.
     */
    private final List<ArrayDeque<ByteBuf>> held = new ArrayList<>();
    private static final int MAX_HELD = 64;

    DatagramSink(Transport transport, EventLoopGroup group, boolean unix, SocketAddress remote) {
        this.transport = transport;
        this.unix = unix;
        this.remote = remote;
        List<EventLoop> all = new ArrayList<>();
        for (EventExecutor e : group) {
            all.add((EventLoop) e);
        }
        loops = all.toArray(new EventLoop[0]);
        channels = new Channel[loops.length];
        failedAt = new long[loops.length];
        flushQueued = new boolean[loops.length];
        flushes = new Runnable[loops.length];
        for (int i = 0; i < loops.length; i++) {
            held.add(new ArrayDeque<>());
            int loop = i;
            flushes[i] = () -> {
                flushQueued[loop] = false;
                Channel c = channels[loop];
                if (c != null) {
                    c.flush();
                }
            };
        }
    }

    @Override
    public boolean send(ByteBuf line) {
        int i = loopIndex();
        // Off the proxy's loops (a test's thread): the first loop's channel if it is open, Netty's write handing the
        // line over to that loop.
        Channel ch = i < 0 ? channels[0] : channel(i);
        if (i >= 0 && ch != null && ch.isOpen() && !ch.isActive()) {
            ArrayDeque<ByteBuf> waiting = held.get(i);
            if (waiting.size() < MAX_HELD) {
                waiting.add(line);
                return true;
            }
            line.release();
            return false;
        }
        if (ch == null || !ch.isActive() || !ch.isWritable()) {
            line.release();
            return false;
        }
        if (i < 0) {
            ch.writeAndFlush(line, ch.voidPromise());
            return true;
        }
        // Flushed once the loop has handled the events of this turn (its tasks run after them): a line per request
        // would otherwise be a system call per request.
        ch.write(line, ch.voidPromise());
        if (!flushQueued[i]) {
            flushQueued[i] = true;
            loops[i].execute(flushes[i]);
        }
        return true;
    }

    private int loopIndex() {
        for (int i = 0; i < loops.length; i++) {
            if (loops[i].inEventLoop()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The loop's channel, opened the first time (on that loop, which alone touches its slot); null after a failure,
     * until it is tried again.
     */
    private Channel channel(int i) {
        Channel ch = channels[i];
        if (ch != null && ch.isOpen()) {
            return ch;
        }
        long now = System.nanoTime();
        if (failedAt[i] != 0 && now - failedAt[i] < RETRY_NANOS) {
            return null;
        }
        Channel c = transport.datagram(unix);
        c.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, BUFFERED);
        // ECONNREFUSED (the receiver went, or was restarted on a new socket) ends this channel: the next line after
        // the delay opens another one, connected to whatever listens there then.
        c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                failedAt[i] = System.nanoTime();
                ctx.close();
            }
        });
        loops[i].register(c);
        c.connect(remote).addListener(f -> {
            ArrayDeque<ByteBuf> waiting = held.get(i);
            if (f.isSuccess()) {
                while (!waiting.isEmpty()) {
                    c.write(waiting.poll(), c.voidPromise());
                }
                c.flush();
            } else {
                waiting.forEach(ByteBuf::release);
                waiting.clear();
                failedAt[i] = System.nanoTime();
                c.close();
            }
        });
        channels[i] = c;
        return c;
    }

    @Override
    public void close() {
        for (Channel c : channels) {
            if (c != null) {
                c.close();
            }
        }
    }
}
