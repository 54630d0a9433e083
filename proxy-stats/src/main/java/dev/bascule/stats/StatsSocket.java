package dev.bascule.stats;

import dev.bascule.config.model.Address;
import dev.bascule.config.model.Global;
import dev.bascule.core.Runtime;
import dev.bascule.core.SocketFile;
import dev.bascule.core.SockpairAcceptor;
import dev.bascule.core.StartupException;
import dev.bascule.core.Transport;
import dev.bascule.core.handoff.InheritedFd;
import dev.bascule.core.handoff.InheritedSockets;
import dev.bascule.core.handoff.ListenerExport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@code stats socket}: the runtime API on a Unix socket or a TCP address, as HAProxy serves it. A client
 * sends one command line and gets the answer, then the connection closes (as {@code socat} uses it); the
 * {@code prompt} command switches to interactive mode with a {@code "> "} prompt until {@code quit}.
 */
public final class StatsSocket implements AutoCloseable {
    private static final int MAX_LINE = 64 * 1024;
    /** Netty's default for a listening socket (SOMAXCONN's usual value). */
    private static final int BACKLOG = 4096;

    private final Channel channel;
    private final SocketFile socketFile;

    private StatsSocket(Channel channel, SocketFile socketFile) {
        this.channel = channel;
        this.socketFile = socketFile;
    }

    /**
     * @param timeoutMs {@code stats timeout}: a client silent that long is disconnected
     * @param maxconn   {@code stats maxconn}: past that many clients at once, the next wait in the backlog
     */
    public static StatsSocket start(dev.bascule.config.model.StatsSocket config, Runtime runtime,
                                    Transport transport, EventLoopGroup loops, long timeoutMs, int maxconn)
            throws StartupException {
        RuntimeApi api = new RuntimeApi(runtime);
        RuntimeApi.Level level = RuntimeApi.Level.valueOf(config.level().toUpperCase(Locale.ROOT));
        Supplier<List<Integer>> listeners = config.exposeFdListeners() && level == RuntimeApi.Level.ADMIN
                ? runtime::listeningFds : null;
        return bind(config.address(), config.mode(), transport, loops, timeoutMs, maxconn,
                () -> new Session(api, level, listeners));
    }

    /**
     * The socket a new process started with {@code -sf} (or the master) asks for this one's listening sockets:
     * it answers {@link InheritedSockets#COMMAND} only, as {@code expose-fd listeners} does, readable by this user
     * only.
     */
    public static StatsSocket handoff(Path path, Runtime runtime, Transport transport, EventLoopGroup loops)
            throws StartupException {
        return bind(Address.unix(path.toString()), "600", transport, loops, Global.DEFAULT_STATS_TIMEOUT_MS, Global.DEFAULT_STATS_MAXCONN,
                () -> new Handoff(runtime));
    }

    private static StatsSocket bind(Address a, String mode, Transport transport, EventLoopGroup loops,
                                    long timeoutMs, int maxconn, Supplier<ChannelHandler> session)
            throws StartupException {
        ChannelInitializer<Channel> client = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ReadTimeoutHandler(timeoutMs, TimeUnit.MILLISECONDS),
                        new LineBasedFrameDecoder(MAX_LINE), new StringDecoder(StandardCharsets.UTF_8),
                        session.get());
            }
        };
        if (a.family() == Address.Family.SOCKPAIR) {
            transport.requireEpoll(a);
            try {
                return new StatsSocket(SockpairAcceptor.start(a.fd(), loops, new ClientLimit(maxconn),
                        ch -> ch.pipeline().addLast(client)), null);
            } catch (IOException e) {
                throw new StartupException("Starting stats socket: cannot use the inherited socket [" + a + "]: "
                        + e.getMessage());
            }
        }
        Path file = a.family() == Address.Family.UNIX ? Path.of(a.path()) : null;
        int fd = -1;
        boolean unix = a.family() != Address.Family.INET;
        if (a.family() == Address.Family.FD) {
            // fd@N: a socket a test harness or a supervisor bound and passed, as HAProxy's are given.
            transport.requireEpoll(a);
            try {
                InheritedFd.Listening given = InheritedFd.listening(a.fd());
                fd = given.fd();
                unix = given.unix();
            } catch (IOException e) {
                throw new StartupException("Starting stats socket: cannot use the inherited socket [" + a + "]: "
                        + e.getMessage());
            }
        } else if (file != null) {
            SocketFile.replaceStale(file);
            if (transport.passesSockets()) {
                try {
                    fd = transport.listenUnix(a, BACKLOG);
                } catch (IOException e) {
                    throw cannotBind(e, a);
                }
            }
        }
        SocketAddress bindAddress = fd >= 0 ? null : transport.bindAddress(a);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channelFactory(fd >= 0 ? transport.adopted(a, unix, fd) : transport.listener(a, bindAddress))
                // One client per read, so that the gate below counts each before the next is taken.
                .option(ChannelOption.RCVBUF_ALLOCATOR, new ServerChannelRecvByteBufAllocator().maxMessagesPerRead(1))
                .handler(new ClientLimit(maxconn))
                .childHandler(client);
        if (a.family() == Address.Family.INET) {
            // A new process started with -sf binds its stats socket beside this one's, as HAProxy does.
            transport.reusePort(bootstrap);
        }
        var bound = (fd >= 0 ? bootstrap.register() : bootstrap.bind(bindAddress)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw cannotBind(bound.cause(), a);
        }
        if (file != null && mode != null) {
            try {
                SocketFile.chmod(file, mode);
            } catch (IOException e) {
                throw new StartupException("stats socket: cannot set mode " + mode + " on " + file + ": "
                        + e.getMessage());
            }
        }
        return new StatsSocket(bound.channel(), file == null ? null : SocketFile.bound(file));
    }

    /**
     * {@code stats maxconn}: at the limit the socket stops accepting, and the next clients wait in the kernel's
     * backlog until one leaves, as HAProxy's listener does.
     */
    private static final class ClientLimit extends ChannelInboundHandlerAdapter {
        private final int maxconn;
        private final AtomicInteger clients = new AtomicInteger();

        ClientLimit(int maxconn) {
            this.maxconn = maxconn;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel listening = ctx.channel();
            if (clients.incrementAndGet() >= maxconn) {
                listening.config().setAutoRead(false);
            }
            ((Channel) msg).closeFuture().addListener(f -> {
                if (clients.decrementAndGet() < maxconn && listening.isOpen()) {
                    listening.config().setAutoRead(true);
                }
            });
            ctx.fireChannelRead(msg);
        }
    }

    private static StartupException cannotBind(Throwable cause, Address a) {
        return new StartupException("Starting stats socket: cannot bind socket (" + cause.getMessage() + ") [" + a
                + "]");
    }


    /** One client: one-shot until it asks for {@code prompt}. */
    private static final class Session extends SimpleChannelInboundHandler<String> {
        private final RuntimeApi api;
        private final RuntimeApi.Level level;
        /** With {@code expose-fd listeners} at level admin: the listening sockets to pass; null otherwise. */
        private final Supplier<List<Integer>> listeners;
        private boolean interactive;

        Session(RuntimeApi api, RuntimeApi.Level level, Supplier<List<Integer>> listeners) {
            this.api = api;
            this.level = level;
            this.listeners = listeners;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            String command = line.trim();
            if (command.equals(InheritedSockets.COMMAND) && listeners != null) {
                ListenerExport.send(ctx.channel(), listeners.get());
                return;
            }
            if (command.equals("prompt")) {
                interactive = !interactive;
                if (interactive) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer("\n> ", StandardCharsets.UTF_8));
                    return;
                }
            }
            if (command.equals("quit")) {
                ctx.close();
                return;
            }
            // HAProxy's CLI ends each command's answer with its prompt, "\n> ", or in one-shot mode with an empty
            // line, which tells a script that the answer is whole (doc/management.txt, "show stat").
            String end = interactive ? "\n> " : "\n";
            StringBuilder answer = new StringBuilder();
            if (!command.equals("prompt")) {
                api.answers(command, level).forEach(a -> answer.append(a).append(end));
            }
            if (interactive) {
                ctx.writeAndFlush(Unpooled.copiedBuffer(answer.isEmpty() ? end : answer, StandardCharsets.UTF_8));
            } else {
                ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The handoff socket's only answer. */
    private static final class Handoff extends SimpleChannelInboundHandler<String> {
        private final Runtime runtime;

        Handoff(Runtime runtime) {
            this.runtime = runtime;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (line.trim().equals(InheritedSockets.COMMAND)) {
                ListenerExport.send(ctx.channel(), runtime.listeningFds());
            } else {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        if (socketFile != null) {
            socketFile.remove();
        }
    }
}
