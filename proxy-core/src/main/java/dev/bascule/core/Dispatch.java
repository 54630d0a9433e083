package dev.bascule.core;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.SendProxy;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.core.log.UniqueId;
import dev.bascule.core.proxyprotocol.ProxyHeader;
import dev.bascule.core.proxyprotocol.ProxyHeaderEncoder;
import dev.bascule.core.stream.Stream;
import dev.bascule.core.stream.Termination;
import dev.bascule.core.sample.RequestView;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.tls.TlsOrigin;
import dev.bascule.core.tls.TlsSession;
import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Gets one client a connected server, HAProxy's way: picks a server with the backend's balancer (or waits
 * FIFO in the backend's queue while every server is full, up to {@code timeout queue}), connects on the
 * client's own event loop, retries a failed connect up to {@code retries} times and redispatches to another
 * server when {@code option redispatch} says so. The server channel is created with autoRead off.
 */
public final class Dispatch {
    /**
     * A bootstrap needs a handler; the real ones come once connected. An initializer leaves nothing in the
     * pipeline (a handler left there would cost every connection a context).
     */
    private static final ChannelInitializer<Channel> NO_HANDLER = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
        }
    };
    private static final Logger log = LoggerFactory.getLogger(Dispatch.class);
    /** HAProxy's turn-around timer before retrying the same server: min(timeout connect, 1s). */
    private static final long MAX_RETRY_DELAY_MS = 1000;

    /** What became of the dispatch; called on the client's event loop. */
    public interface Outcome {
        /** @param reused true when the connection came from {@link #start}'s idle connections */
        void connected(Channel server, ServerState target, boolean reused);

        /**
         * No server could be had: none usable, the queue timed out, or the last retry failed. The stream's
         * termination is recorded already.
         */
        void failed(String reason);
    }

    private final Channel client;
    private final BackendState backend;
    private final Transport transport;
    private final Outcome outcome;
    /** The server this client holds a {@code maxconn} slot on, or null. */
    private ServerState server;
    private int retriesLeft;
    /** This dispatch's place in a queue, or null when it is not waiting. */
    private Waiter waiting;
    /** The server whose own queue {@link #waiting} is in, or null for the backend's queue. */
    private ServerState waitingFor;
    private Stream stream;
    private HttpRequest request;
    /** The server a persistence cookie or a use-server rule sends this request to, or null. */
    private ServerState persistent;
    /** {@code force-persist} held for this request: {@link #persistent} is used even when it is down. */
    private boolean forced;
    private ScheduledFuture<?> queueTimeout;
    private long queuedSince;
    private long connectSince;
    private Function<ServerState, Channel> idle = s -> null;

    public Dispatch(Channel client, BackendState backend, Transport transport, Outcome outcome) {
        this.client = client;
        this.backend = backend;
        this.transport = transport;
        this.outcome = outcome;
    }

    /**
     * Starts a dispatch of a TCP session.
     *
     * @param assigned the server a {@code use-server} rule names, or null
     * @param forced   {@code force-persist}: that server is used even when it is down
     */
    public void start(Stream stream, ServerState assigned, boolean forced) {
        start(stream, s -> null, null, assigned, forced);
    }

    /**
     * Starts a dispatch; {@code idle} may hand back an open idle connection to the server the balancer
     * picked, used instead of a new one (HAProxy's {@code http-reuse}).
     *
     * @param request    the request head, which some balancing algorithms hash
     * @param persistent the server a persistence cookie or a {@code use-server} rule designates, or null
     * @param forced     {@code force-persist}: that server is used even when it is down
     */
    public void start(Stream stream, Function<ServerState, Channel> idle, HttpRequest request,
                      ServerState persistent, boolean forced) {
        this.stream = stream;
        // The request's analysis is over: its req. variables end here, the response's begin (HAProxy's point too).
        stream.responding();
        this.idle = idle;
        this.request = request;
        this.persistent = persistent;
        this.forced = forced;
        retriesLeft = backend.config().retries();
        queuedSince = 0;
        assign();
    }

    /** The server whose slot this dispatch holds, or null. */
    public ServerState server() {
        return server;
    }

    /**
     * Connects again to the server whose slot it holds, keeping the slot (a request sent again after its reused
     * connection closed: giving the slot up would put it behind every waiter).
     */
    public void reconnect(Stream stream, HttpRequest request) {
        this.stream = stream;
        this.request = request;
        this.idle = s -> null;
        retriesLeft = backend.config().retries();
        connectSince = System.nanoTime();
        connect();
    }

    private void assign() {
        if (!client.isActive()) {
            return;
        }
        if (persistent != null && !forced && !persistent.acceptsPersistent()) {
            persistent = null;
        }
        BackendState.Take t = persistent != null ? backend.takeOn(persistent)
                : backend.take(null, stream.clientAddress(), request);
        if (t.busy() != null && !t.busy().queueHasRoom()) {
            // The server's queue is at its maxqueue: HAProxy sends the request to another server instead.
            persistent = null;
            t = backend.take(t.busy(), stream.clientAddress(), request);
        }
        if (t.taken() != null) {
            got(t.taken());
        } else if (t.busy() != null || backend.hasUsableServer()) {
            enqueue(t.busy());
        } else {
            log.debug("backend {} has no server available for {}", backend.name(), stream.clientAddress());
            // HAProxy's <NOSRV> ... SC: no server is the connection that could not be made.
            stream.connecting();
            stream.terminate(Termination.Cause.SERVER_ABORT);
            outcome.failed("no server available");
        }
    }

    /** Holds a slot on {@code s}: the queue is over, an idle connection or a new one is next. */
    private void got(ServerState s) {
        if (queueTimeout != null) {
            queueTimeout.cancel(false);
            queueTimeout = null;
        }
        if (queuedSince != 0) {
            backend.timings().queued(System.nanoTime() - queuedSince);
            queuedSince = 0;
        }
        server = s;
        stream.assigned(s);
        Channel reusable = idle.apply(s);
        if (reusable != null) {
            s.counters().reused();
            backend.counters().reused();
            stream.connected(s, reusable.localAddress());
            outcome.connected(reusable, s, true);
            return;
        }
        connectSince = System.nanoTime();
        connect();
    }

    private void enqueue(ServerState busy) {
        waitingFor = busy;
        Waiter w = new Waiter((mine, s) -> client.eventLoop().execute(() -> handed(mine, s)));
        waiting = w;
        if (queuedSince == 0) {
            queuedSince = System.nanoTime();
        }
        stream.queued();
        long limit = backend.config().timeouts().effectiveQueueMs();
        if (queueTimeout == null && limit > 0) {
            queueTimeout = client.eventLoop().schedule(() -> {
                queueTimeout = null;
                Waiter mine = waiting;
                // Not cancelled: a slot was handed over just now, which wins over the timeout.
                if (mine != null && backend.dequeue(waitingFor, mine)) {
                    waiting = null;
                    stream.queuePosition(waitingFor != null, mine.position());
                    log.debug("{}: timeout queue expired for {}", backend.name(), stream.clientAddress());
                    stream.terminate(Termination.Cause.SERVER_TIMEOUT);
                    outcome.failed("timeout queue");
                }
            }, limit, TimeUnit.MILLISECONDS);
        }
        backend.enqueue(busy, w);
    }

    /**
     * On the client's event loop: {@code s}'s slot handed over from a queue to {@code w}, or (null) a request to
     * pick again. This dispatch may have moved on since: the slot then goes to the next in line.
     */
    private void handed(Waiter w, ServerState s) {
        if (w != waiting || !client.isActive()) {
            if (s != null) {
                s.release();
            }
            return;
        }
        waiting = null;
        stream.queuePosition(waitingFor != null, w.position());
        if (s == null) {
            assign();
        } else {
            got(s);
        }
    }

    /** The client is gone or its request is over: leave the queue, give the server slot back. */
    public void release() {
        Waiter w = waiting;
        if (w != null) {
            waiting = null;
            // A slot handed over meanwhile arrives in handed(), which gives it back.
            if (backend.dequeue(waitingFor, w)) {
                stream.queuePosition(waitingFor != null, w.position());
            }
        }
        if (queueTimeout != null) {
            queueTimeout.cancel(false);
            queueTimeout = null;
        }
        ServerState s = server;
        if (s != null) {
            server = null;
            s.release();
        }
    }

    private void connect() {
        Backend config = backend.config();
        ServerState target = server;
        SocketAddress remote = target.socketAddress(stream.frontendAddress());
        if (remote == null && !target.hasAddress()) {
            // Its name stopped resolving since it was chosen (or since the retry was planned): as a refused connection.
            stream.connecting();
            log.debug("server {} has no address any more", target.id());
            retry(false);
            return;
        }
        if (remote == null) {
            log.warn("server {} has no port and takes the client's, but the client came over {}: closing",
                    target.id(), stream.frontendAddress());
            stream.connecting();
            stream.terminate(Termination.Cause.INTERNAL);
            outcome.failed("no port");
            return;
        }
        stream.connecting();
        target.counters().connectAttempt();
        backend.counters().connectAttempt();
        Bootstrap bootstrap = new Bootstrap()
                .group(client.eventLoop())
                .channelFactory(transport.outbound(target.connector(), remote))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Buffers.WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.timeouts().connectMs())
                // Netty sets TCP_NODELAY by default: setting it again is one more system call per connection.
                .handler(NO_HANDLER);
        ChannelFuture connect = bootstrap.connect(remote);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                if (!client.isActive() || server != target) {
                    connect.channel().close();
                    return;
                }
                sendProxy(connect.channel(), target);
                TlsOrigin tls = target.tls();
                if (tls != null && tls.traffic()) {
                    handshake(connect.channel(), target, remote, tls);
                    return;
                }
                established(connect.channel(), target);
            } else {
                int errors = target.connectionFailed();
                ServerCheck check = target.config().check();
                if ("layer4".equals(check.observe()) && errors >= check.errorLimit()) {
                    backend.observedErrors(target, errors, "L4 unsuccessful connection");
                }
                log.debug("connection to server {} failed: {}", target.id(), f.cause().getMessage());
                retry(f.cause() instanceof ConnectTimeoutException);
            }
        });
    }

    /**
     * {@code send-proxy[-v2]}: the header naming this stream's client goes first on the new connection, before any
     * TLS, in clear. Such a connection is the client's own from then on (see {@link #carriesProxyHeader}).
     */
    private void sendProxy(Channel channel, ServerState target) {
        SendProxy settings = target.config().sendProxy();
        if (settings == null) {
            return;
        }
        ProxyHeader received = ProxyHeader.of(client);
        TlsSession tls = TlsSession.of(client);
        String authority = received != null && received.authority() != null ? received.authority()
                : tls != null ? tls.sni() : null;
        UniqueId ids = stream.frontend().uniqueIds();
        String uniqueId = ids == null || !settings.has("unique-id") ? null
                : ids.of(stream, request instanceof RequestView v ? v : null);
        channel.writeAndFlush(ProxyHeaderEncoder.encode(channel.alloc(), settings, stream.clientAddress(),
                stream.frontendAddress(), new ProxyHeaderEncoder.Facts(tls, authority, uniqueId)));
    }

    /**
     * Whether connections to {@code s} begin with a PROXY header: one names a single client, so it must never carry
     * another client's requests (HAProxy makes such a connection private).
     */
    public static boolean carriesProxyHeader(ServerState s) {
        return s.config().sendProxy() != null;
    }

    private void established(Channel channel, ServerState target) {
        backend.timings().connected(System.nanoTime() - connectSince);
        stream.connected(target, channel.localAddress());
        outcome.connected(channel, target, false);
    }

    /**
     * A TLS server's connection is established once its handshake is (HAProxy counts the handshake in {@code %Tc});
     * one that fails is a failed connection attempt, retried as a refused connect is.
     */
    private void handshake(Channel channel, ServerState target, SocketAddress remote, TlsOrigin tls) {
        RequestView head = request instanceof RequestView v ? v : null;
        SslHandler handler = tls.handler(channel, remote, SampleContext.of(stream, head, SampleContext.NO_BACKENDS));
        // The handshake is part of the connection: timeout connect bounds it too (none: Netty's 10 s).
        long connectMs = backend.config().timeouts().connectMs();
        if (connectMs > 0) {
            handler.setHandshakeTimeoutMillis(connectMs);
        }
        channel.pipeline().addFirst(handler);
        // The server channel reads only when asked; the handshake needs its answers.
        channel.read();
        handler.handshakeFuture().addListener(h -> {
            if (!client.isActive() || server != target) {
                channel.close();
                return;
            }
            if (h.isSuccess()) {
                established(channel, target);
                return;
            }
            channel.close();
            target.connectionFailed();
            log.debug("TLS handshake with server {} failed: {}", target.id(), h.cause().getMessage());
            retry(false);
        });
    }

    /** @param timedOut the connect failed by {@code timeout connect} rather than by the server's refusal */
    private void retry(boolean timedOut) {
        if (!client.isActive() || server == null) {
            return;
        }
        if (retriesLeft == 0 || !backend.config().retryOn().contains("conn-failure")) {
            stream.terminate(timedOut ? Termination.Cause.SERVER_TIMEOUT : Termination.Cause.SERVER_ABORT);
            outcome.failed("connection failed");
            return;
        }
        retriesLeft--;
        stream.retried();
        if (redispatchNow()) {
            // A redispatch breaks persistence: the balancer chooses among the others.
            persistent = null;
            ServerState other = backend.take(server, stream.clientAddress(), request).taken();
            if (other != null) {
                ServerState old = server;
                server = other;
                old.release();
                if (other != old) {
                    old.redispatched();
                    stream.redispatched();
                    stream.assigned(other);
                    connect();
                    return;
                }
            }
        }
        server.retried();
        long connectTimeout = backend.config().timeouts().connectMs();
        long delay = connectTimeout > 0 ? Math.min(connectTimeout, MAX_RETRY_DELAY_MS) : MAX_RETRY_DELAY_MS;
        client.eventLoop().schedule(() -> {
            if (client.isActive() && server != null) {
                connect();
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
