package dev.bascule.core;

import dev.bascule.core.handoff.InheritedFd;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannelOption;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A {@code sockpair@N} listener. Descriptor N is one end of a socketpair over which another process sends the
 * connections it accepted, each as a file descriptor (SCM_RIGHTS), as HAProxy's {@code sockpair@} receives them
 * (its master does it for its CLI). Each descriptor becomes a connection as if this process had accepted it: made
 * non-blocking, passed through the listener's gate ({@code maxconn}), given its pipeline, registered on a loop.
 */
public final class SockpairAcceptor {
    private SockpairAcceptor() {
    }

    /**
     * @param gate       sits where a listener's {@code AcceptGate} does (it may pause the socketpair's reading)
     * @param childSetup gives a received connection its options and pipeline, as a ServerBootstrap's child handler
     * @return the socketpair's channel, registered and reading
     */
    public static Channel start(int fd, EventLoopGroup loops, ChannelHandler gate, Consumer<Channel> childSetup)
            throws IOException {
        if (!InheritedFd.makeNonBlocking(fd)) {
            throw new IOException("file descriptor " + fd + " cannot be made non-blocking (the JVM needs "
                    + "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED, which bin/bascule gives)");
        }
        EpollDomainSocketChannel pair = new EpollDomainSocketChannel(fd);
        pair.config().setOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS);
        pair.pipeline().addLast(new Received(), gate, new Registrar(loops, childSetup));
        var registered = loops.next().register(pair).awaitUninterruptibly();
        if (!registered.isSuccess()) {
            throw new IOException(SocketErrors.describe(registered.cause()));
        }
        return pair;
    }

    /** A received descriptor as the channel of a connection; one that is not a usable socket is closed. */
    private static final class Received extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FileDescriptor d)) {
                return;
            }
            int fd = d.intValue();
            try {
                boolean unix = InheritedFd.isUnix(fd);
                InheritedFd.makeNonBlocking(fd);
                ctx.fireChannelRead(unix ? new EpollDomainSocketChannel(fd) : new EpollSocketChannel(fd));
            } catch (IOException | RuntimeException e) {
                try {
                    d.close();
                } catch (IOException ignored) {
                    // it was not usable either way
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A failed read on the socketpair: the sender is gone or sent garbage; nothing to accept from it.
        }
    }

    /** What a ServerBootstrap's acceptor does with an accepted channel. */
    private static final class Registrar extends ChannelInboundHandlerAdapter {
        private final EventLoopGroup loops;
        private final Consumer<Channel> childSetup;

        Registrar(EventLoopGroup loops, Consumer<Channel> childSetup) {
            this.loops = loops;
            this.childSetup = childSetup;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            childSetup.accept(child);
            loops.next().register(child).addListener(f -> {
                if (!f.isSuccess()) {
                    child.unsafe().closeForcibly();
                }
            });
        }
    }
}
