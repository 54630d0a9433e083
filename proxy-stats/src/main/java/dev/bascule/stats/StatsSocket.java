package dev.bascule.stats;

import dev.bascule.config.model.Address;
import dev.bascule.core.Runtime;
import dev.bascule.core.StartupException;
import dev.bascule.core.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A {@code stats socket}: the runtime API on a Unix socket or a TCP address, as HAProxy serves it. A client
 * sends one command line and gets the answer, then the connection closes (as {@code socat} uses it); the
 * {@code prompt} command switches to interactive mode with a {@code "> "} prompt until {@code quit}.
 */
public final class StatsSocket implements AutoCloseable {
    private static final int MAX_LINE = 64 * 1024;

    private final Channel channel;
    private final Path socketFile;

    private StatsSocket(Channel channel, Path socketFile) {
        this.channel = channel;
        this.socketFile = socketFile;
    }

    public static StatsSocket start(dev.bascule.config.model.StatsSocket config, Runtime runtime,
                                    Transport transport, EventLoopGroup loops) throws StartupException {
        RuntimeApi api = new RuntimeApi(runtime);
        RuntimeApi.Level level = RuntimeApi.Level.valueOf(config.level().toUpperCase(Locale.ROOT));
        Address a = config.address();
        Path file = a.family() == Address.Family.UNIX ? Path.of(a.path()) : null;
        try {
            if (file != null && Files.exists(file) && !Files.isRegularFile(file)) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new StartupException("stats socket: cannot replace " + file + ": " + e.getMessage());
        }
        SocketAddress bindAddress = transport.bindAddress(a);
        var bound = new ServerBootstrap()
                .group(loops)
                .channelFactory(transport.listener(a, bindAddress))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE),
                                new StringDecoder(StandardCharsets.UTF_8), new Session(api, level));
                    }
                })
                .bind(bindAddress)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new StartupException("Starting stats socket: cannot bind socket (" + bound.cause().getMessage()
                    + ") [" + a + "]");
        }
        if (file != null && config.mode() != null) {
            try {
                Files.setPosixFilePermissions(file, permissions(config.mode()));
            } catch (IOException e) {
                throw new StartupException("stats socket: cannot set mode " + config.mode() + " on " + file + ": "
                        + e.getMessage());
            }
        }
        return new StatsSocket(bound.channel(), file);
    }

    private static Set<PosixFilePermission> permissions(String octal) {
        int mode = Integer.parseInt(octal, 8);
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }

    /** One client: one-shot until it asks for {@code prompt}. */
    private static final class Session extends SimpleChannelInboundHandler<String> {
        private final RuntimeApi api;
        private final RuntimeApi.Level level;
        private boolean interactive;

        Session(RuntimeApi api, RuntimeApi.Level level) {
            this.api = api;
            this.level = level;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            String command = line.trim();
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

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        if (socketFile != null) {
            try {
                Files.deleteIfExists(socketFile);
            } catch (IOException ignored) {
                // exiting anyway
            }
        }
    }
}
