package dev.bascule.core.tcp;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.core.BackendState;
import dev.bascule.core.FrontendState;
import dev.bascule.core.ServerState;
import dev.bascule.core.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client side of a TCP-mode session before it is relayed: picks a server with the backend's balancer,
 * connects to it on the client's own event loop, retries a failed connect up to {@code retries} times
 * (redispatching to another server when {@code option redispatch} says so), then hands both channels to
 * {@link Relay}. The client is not read until the server connection is up, except that a client FIN makes
 * epoll read what came before it: that data and the FIN are kept and passed on once connected.
 */
public final class TcpFrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TcpFrontendHandler.class);
    /** HAProxy's turn-around timer before retrying the same server: min(timeout connect, 1s). */
    private static final long MAX_RETRY_DELAY_MS = 1000;

    private final FrontendState frontend;
    private final BackendState backend;
    private final Transport transport;
    /** The server this connection holds a {@code maxconn} slot on, or null. */
    private ServerState server;
    private int retriesLeft;
    private Runnable waiting;
    private ScheduledFuture<?> queueTimeout;
    private long queuedSince;
    private long connectSince;
    private final List<Object> early = new ArrayList<>();
    private boolean clientFinished;

    /** @param backend where sessions go, or null when the frontend has no default backend */
    public TcpFrontendHandler(FrontendState frontend, BackendState backend, Transport transport) {
        this.frontend = frontend;
        this.backend = backend;
        this.transport = transport;
    }

    /** The idle timeout of one side, or null when it is not set (infinite, as in HAProxy). */
    public static IdleStateHandler idleTimeout(long ms) {
        return ms > 0 ? new IdleStateHandler(0, 0, ms, TimeUnit.MILLISECONDS) : null;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (backend == null) {
            ctx.close();
            return;
        }
        retriesLeft = backend.config().retries();
        long accepted = System.nanoTime();
        ctx.channel().closeFuture().addListener(f -> {
            leave();
            backend.timings().ended(System.nanoTime() - accepted);
        });
        assign(ctx);
    }

    /** Takes a server slot and connects, or waits in the backend's queue while every server is full. */
    private void assign(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        ServerState s = backend.take(null, ctx.channel().remoteAddress());
        if (s != null) {
            if (queueTimeout != null) {
                queueTimeout.cancel(false);
            }
            if (queuedSince != 0) {
                backend.timings().queued(System.nanoTime() - queuedSince);
            }
            server = s;
            connectSince = System.nanoTime();
            connect(ctx);
        } else if (backend.hasUsableServer()) {
            waiting = () -> ctx.executor().execute(() -> {
                waiting = null;
                assign(ctx);
            });
            backend.enqueue(waiting);
            if (queuedSince == 0) {
                queuedSince = System.nanoTime();
            }
            long limit = backend.config().timeouts().effectiveQueueMs();
            if (queueTimeout == null && limit > 0) {
                queueTimeout = ctx.executor().schedule(() -> {
                    Runnable w = waiting;
                    if (w != null && backend.dequeue(w)) {
                        log.debug("{}: timeout queue expired for {}", backend.name(), ctx.channel().remoteAddress());
                        ctx.close();
                    }
                }, limit, TimeUnit.MILLISECONDS);
            }
        } else {
            log.debug("backend {} has no server available for {}", backend.name(), ctx.channel().remoteAddress());
            ctx.close();
        }
    }

    /** The client is gone: leave the queue, give the server slot back. */
    private void leave() {
        Runnable w = waiting;
        if (w != null) {
            backend.dequeue(w);
        }
        ServerState s = server;
        if (s != null) {
            server = null;
            s.release();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.add(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else if (evt instanceof ChannelInputShutdownEvent) {
            clientFinished = true;
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void connect(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        Backend config = backend.config();
        ServerState target = server;
        SocketAddress remote = target.socketAddress(client.localAddress());
        if (remote == null) {
            log.warn("server {} has no port and takes the client's, but the client came over {}: closing",
                    target.id(), client.localAddress());
            ctx.close();
            return;
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(client.eventLoop())
                .channel(target.connector())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.timeouts().connectMs())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        transport.prepare(ch);
                    }
                });
        if (remote instanceof InetSocketAddress) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture connect = bootstrap.connect(remote);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                relay(ctx, connect.channel(), target);
            } else {
                int errors = target.connectionFailed();
                ServerCheck check = target.config().check();
                if ("layer4".equals(check.observe()) && errors >= check.errorLimit()) {
                    backend.observedErrors(target, errors, "L4 unsuccessful connection");
                }
                log.debug("connection to server {} failed: {}", target.id(), f.cause().getMessage());
                retry(ctx);
            }
        });
    }

    private void relay(ChannelHandlerContext ctx, Channel serverChannel, ServerState target) {
        Channel client = ctx.channel();
        if (!client.isActive()) {
            serverChannel.close();
            return;
        }
        target.sessionStarted(client);
        backend.timings().connected(System.nanoTime() - connectSince);
        serverChannel.closeFuture().addListener(f -> target.sessionEnded(client));
        IdleStateHandler serverIdle = idleTimeout(backend.config().timeouts().serverMs());
        if (serverIdle != null) {
            serverChannel.pipeline().addLast(serverIdle);
        }
        serverChannel.pipeline().addLast(new Relay(client, bytes -> {
            frontend.bytesOut(bytes);
            target.transferred(0, bytes);
        }));
        ctx.pipeline().replace(this, "relay", new Relay(serverChannel, bytes -> {
            frontend.bytesIn(bytes);
            target.transferred(bytes, 0);
        }));
        if (!early.isEmpty()) {
            for (Object m : early) {
                if (m instanceof io.netty.buffer.ByteBuf b) {
                    frontend.bytesIn(b.readableBytes());
                    target.transferred(b.readableBytes(), 0);
                }
                serverChannel.write(m);
            }
            early.clear();
            serverChannel.flush();
        }
        if (clientFinished) {
            client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        client.config().setAutoRead(true);
        serverChannel.config().setAutoRead(true);
    }

    private void retry(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (retriesLeft == 0) {
            ctx.close();
            return;
        }
        retriesLeft--;
        if (redispatchNow()) {
            ServerState other = backend.take(server, ctx.channel().remoteAddress());
            if (other != null) {
                ServerState old = server;
                server = other;
                old.release();
                if (other != old) {
                    old.redispatched();
                    connect(ctx);
                    return;
                }
            }
        }
        server.retried();
        long connectTimeout = backend.config().timeouts().connectMs();
        long delay = connectTimeout > 0 ? Math.min(connectTimeout, MAX_RETRY_DELAY_MS) : MAX_RETRY_DELAY_MS;
        ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                connect(ctx);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** HAProxy's rule for {@code option redispatch <interval>}, counted over the retries done so far. */
    private boolean redispatchNow() {
        int interval = backend.config().redispatchInterval();
        int retries = backend.config().retries();
        int done = retries - retriesLeft;
        if (interval > 0) {
            return done % interval == 0;
        }
        if (interval < 0) {
            int period = retries + 1 + interval;
            return period > 0 && done % period == 0;
        }
        return false;
    }
}
