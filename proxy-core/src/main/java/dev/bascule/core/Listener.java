package dev.bascule.core;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Bind;
import dev.bascule.config.model.Frontend;
import dev.bascule.core.handoff.InheritedFd;
import dev.bascule.core.handoff.InheritedSockets;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.unix.UnixChannel;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One bound address of a frontend: accepts within {@code maxconn} and starts a session per connection with the
 * {@link FrontendSetup} current at that moment (a reload swaps it; the socket stays open).
 */
final class Listener {
    /** HAProxy's {@code tune.maxaccept} default: connections accepted in one go before serving the others. */
    private static final int MAX_ACCEPT = 64;
    /** HAProxy's default listen backlog when neither {@code backlog} nor {@code maxconn} say otherwise. */
    private static final int DEFAULT_BACKLOG = 1024;

    private final Channel channel;
    private final SocketFile socketFile;
    private final AtomicReference<FrontendSetup> setup;

    private Listener(Channel channel, SocketFile socketFile, AtomicReference<FrontendSetup> setup) {
        this.channel = channel;
        this.socketFile = socketFile;
        this.setup = setup;
    }

    /** What connections accepted from now on get (a reload's new generation). */
    void setup(FrontendSetup next) {
        setup.set(next);
    }

    /**
     * @param inherited the old process's sockets: one bound to this address is adopted instead of binding anew
     * @param reusePort SO_REUSEPORT on a new TCP socket, so that a new process can bind beside this one
     */
    static Listener bind(FrontendSetup first, Bind bind, EventLoopGroup loops, Transport transport,
                         InheritedSockets inherited, boolean reusePort) throws StartupException {
        Frontend frontend = first.state.config();
        Address address = bind.address();
        AtomicReference<FrontendSetup> setup = new AtomicReference<>(first);
        if (address.family() == Address.Family.SOCKPAIR) {
            return receiving(first, address, loops, transport, setup);
        }
        SocketAddress bindAddress = address.family() == Address.Family.FD ? null : transport.bindAddress(address);
        int backlog = bind.options().backlog() > 0 ? bind.options().backlog()
                : frontend.maxconn() > 0 ? frontend.maxconn() : DEFAULT_BACKLOG;
        Path socketPath = address.family() == Address.Family.UNIX ? Path.of(address.path()) : null;
        boolean unix = address.family() == Address.Family.UNIX || address.family() == Address.Family.ABNS;
        // Accepting until the queue is empty needs a non-blocking socket: an inherited one may not be.
        boolean burstAccept = true;
        OptionalInt adopted = OptionalInt.empty();
        if (address.family() == Address.Family.FD) {
            transport.requireEpoll(address);
            try {
                InheritedFd.Listening given = InheritedFd.listening(address.fd());
                adopted = OptionalInt.of(given.fd());
                unix = given.unix();
                burstAccept = given.nonBlocking();
            } catch (IOException e) {
                throw new StartupException("Starting frontend " + frontend.name() + ": cannot use the inherited "
                        + "socket [" + address + "]: " + e.getMessage());
            }
        } else {
            adopted = inherited.take(bindAddress);
        }
        if (adopted.isEmpty() && socketPath != null && transport.passesSockets()) {
            SocketFile.replaceStale(socketPath);
            try {
                adopted = OptionalInt.of(transport.listenUnix(address, backlog));
            } catch (IOException e) {
                throw cannotBind(frontend, e, address);
            }
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channelFactory(adopted.isPresent() ? transport.adopted(address, unix, adopted.getAsInt())
                        : transport.listener(address, bindAddress))
                .option(ChannelOption.SO_BACKLOG, backlog)
                .handler(new AcceptGate(first.state))
                .childOption(ChannelOption.AUTO_READ, first.autoRead())
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Buffers.WATER_MARK)
                .childHandler(initializer(setup, address));
        if (!unix) {
            // Netty sets TCP_NODELAY on accepted sockets by default: setting it again costs a system call each.
            bootstrap.option(ChannelOption.SO_REUSEADDR, true);
            if (reusePort && address.family() == Address.Family.INET) {
                transport.reusePort(bootstrap);
            }
        }
        if (burstAccept) {
            // Up to HAProxy's tune.maxaccept new clients per turn of the loop. Left to its "maybe more data" guess,
            // which an accept never satisfies, the acceptor took one connection per turn: a burst of 500 clients
            // waited up to 1.4 s in the kernel's queue (the p99 of wrk -c500), and Connection: close traffic was
            // capped by the loop's pace. Not on an inherited socket left blocking (InheritedFd could not change
            // it): accepting until the queue is empty would block the loop there.
            bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR, new ServerChannelRecvByteBufAllocator()
                    .respectMaybeMoreData(false).maxMessagesPerRead(MAX_ACCEPT));
        }
        ChannelFuture bound;
        if (adopted.isPresent()) {
            // Already bound and listening: only start accepting on it.
            bound = bootstrap.register().awaitUninterruptibly();
        } else {
            if (socketPath != null) {
                SocketFile.replaceStale(socketPath);
            }
            bound = bootstrap.bind(bindAddress).awaitUninterruptibly();
        }
        if (!bound.isSuccess()) {
            throw cannotBind(frontend, bound.cause(), address);
        }
        return new Listener(bound.channel(), socketPath == null ? null : SocketFile.bound(socketPath), setup);
    }

    /** What a new connection to {@code address} gets: the frontend setup current when it arrives. */
    private static ChannelInitializer<Channel> initializer(AtomicReference<FrontendSetup> setup, Address address) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                setup.get().initChannel(ch, address, setup::get);
            }
        };
    }

    /** {@code sockpair@N}: connections another process accepted arrive over a socketpair. */
    private static Listener receiving(FrontendSetup first, Address address, EventLoopGroup loops, Transport transport,
                                      AtomicReference<FrontendSetup> setup) throws StartupException {
        transport.requireEpoll(address);
        try {
            Channel pair = SockpairAcceptor.start(address.fd(), loops, new AcceptGate(first.state), child -> {
                child.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                child.config().setWriteBufferWaterMark(Buffers.WATER_MARK);
                child.pipeline().addLast(initializer(setup, address));
            });
            return new Listener(pair, null, setup);
        } catch (IOException e) {
            throw new StartupException("Starting frontend " + first.state.config().name() + ": cannot use the "
                    + "inherited socket [" + address + "]: " + e.getMessage());
        }
    }

    private static StartupException cannotBind(Frontend frontend, Throwable cause, Address address) {
        return new StartupException("Starting frontend " + frontend.name() + ": cannot bind socket ("
                + SocketErrors.describe(cause) + ") [" + address + "]");
    }

    /**
     * The listening socket itself, for a new process to take over; -1 when it has none (Java NIO, or a
     * {@code sockpair@} listener, whose connections come from its sender).
     */
    int fd() {
        return channel instanceof ServerChannel && channel instanceof UnixChannel u ? u.fd().intValue() : -1;
    }

    /** Stops or resumes accepting: new clients wait in the kernel's backlog meanwhile (SIGTTOU, SIGTTIN). */
    void accepting(boolean on) {
        channel.config().setAutoRead(on);
    }

    /**
     * Closes this process's socket but leaves a Unix socket's file: on a soft stop the new process listens
     * there now, on the same socket or on one it bound at that path.
     */
    ChannelFuture release() {
        return channel.close();
    }

    ChannelFuture close() {
        return channel.close().addListener(f -> {
            if (socketFile != null) {
                socketFile.remove();
            }
        });
    }
}
