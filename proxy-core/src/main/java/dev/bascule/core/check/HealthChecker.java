package dev.bascule.core.check;

import dev.bascule.config.model.Backend;
import dev.bascule.config.model.CheckSettings;
import dev.bascule.config.model.SendProxy;
import dev.bascule.config.model.Server;
import dev.bascule.config.model.ServerCheck;
import dev.bascule.core.BackendState;
import dev.bascule.core.ServerState;
import dev.bascule.core.SocketErrors;
import dev.bascule.core.Transport;
import dev.bascule.core.proxyprotocol.ProxyHeaderEncoder;
import dev.bascule.core.tls.TlsOrigin;
import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one server's health checks on one event loop, at HAProxy's pace: {@code inter} while settled UP,
 * {@code fastinter} between states, {@code downinter} while DOWN, each spread by {@code spread-checks}.
 * With {@code timeout check} the connection gets min({@code timeout connect}, {@code inter}) and the
 * exchange {@code timeout check}; without it the whole check gets {@code inter}. Nothing here blocks.
 */
public final class HealthChecker {
    private final BackendState backend;
    private final ServerState server;
    private final EventLoop loop;
    private final Transport transport;
    private final Supplier<SocketAddress> target;
    private final int spreadPercent;
    private final boolean agent;
    private volatile boolean stopped;
    private ScheduledFuture<?> next;

    /**
     * @param target where to connect: the server, or its {@code addr}/{@code port} overrides (the agent's
     *               address for an agent checker); read at each check, since DNS may move the server, and null
     *               while the server has no address (no check is made then)
     * @param agent  runs the {@code agent-check} of the server rather than its health check
     */
    public HealthChecker(BackendState backend, ServerState server, EventLoop loop, Transport transport,
                         Supplier<SocketAddress> target, int spreadPercent, boolean agent) {
        this.agent = agent;
        this.backend = backend;
        this.server = server;
        this.loop = loop;
        this.transport = transport;
        this.target = target;
        this.spreadPercent = spreadPercent;
    }

    public void start(long initialDelayMs) {
        next = loop.schedule(this::run, initialDelayMs, TimeUnit.MILLISECONDS);
    }

    /** The backend this checker reports to. */
    public BackendState backend() {
        return backend;
    }

    public long interMs() {
        return agent ? server.config().check().agent().interMs() : server.config().check().interMs();
    }

    public void stop() {
        stopped = true;
        ScheduledFuture<?> n = next;
        if (n != null) {
            n.cancel(false);
        }
    }

    /** {@code on-error fastinter} and friends: check again soon instead of waiting for {@code inter}. */
    public void checkSoon() {
        loop.execute(() -> {
            if (next != null && next.cancel(false)) {
                schedule(server.config().check().fastinterMs());
            }
        });
    }

    private void run() {
        if (stopped) {
            return;
        }
        if (!agent && !server.checksEnabled()) {
            // disable health: keep the schedule, skip the checks.
            schedule(interMs());
            return;
        }
        SocketAddress remote = target.get();
        if (remote == null) {
            // In resolution maintenance: nothing to check until the name resolves again.
            schedule(interMs());
            return;
        }
        new Attempt(remote).begin();
    }

    private void done(CheckResult result) {
        if (stopped) {
            return;
        }
        if (agent) {
            if (result.status() == CheckStatus.L7OK) {
                backend.agentSaid(server, result);
            }
            schedule(interMs());
            return;
        }
        backend.checked(server, result);
        ServerCheck c = server.config().check();
        long interval = server.health().settled()
                ? server.health().up() ? c.interMs() : c.downinterMs()
                : c.fastinterMs();
        schedule(interval);
    }

    private void schedule(long intervalMs) {
        long delay = intervalMs;
        if (spreadPercent > 0) {
            long r = intervalMs * spreadPercent / 100;
            delay = intervalMs - r + ThreadLocalRandom.current().nextLong(2 * r + 1);
        }
        next = loop.schedule(this::run, delay, TimeUnit.MILLISECONDS);
    }

    /** One check: connect, talk, judge, then report exactly once. */
    private final class Attempt extends ChannelInboundHandlerAdapter {
        private final SocketAddress target;
        private final long start = System.nanoTime();
        private final Dialogue dialogue = agent ? new AgentDialogue(server.config().check().agent().send())
                : dialogue(backend.config().checks());
        private final ByteBuf received = Unpooled.buffer();
        private ScheduledFuture<?> timeout;
        private Channel channel;
        private boolean finished;

        Attempt(SocketAddress target) {
            this.target = target;
        }

        void begin() {
            Backend b = backend.config();
            ServerCheck c = server.config().check();
            long checkTimeout = b.checks().timeoutCheckMs();
            long connectTimeout = checkTimeout > 0 && b.timeouts().connectMs() > 0
                    ? Math.min(b.timeouts().connectMs(), interMs()) : interMs();
            Bootstrap bootstrap = new Bootstrap()
                    .group(loop)
                    .channelFactory(transport.outbound(server.connector(), target))
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout))
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(Attempt.this);
                        }
                    });
            if (target instanceof InetSocketAddress) {
                // As HAProxy, end a check with a reset: thousands of checks a second leave no TIME_WAIT behind.
                bootstrap.option(ChannelOption.SO_LINGER, 0);
            }
            ChannelFuture f = bootstrap.connect(target);
            channel = f.channel();
            f.addListener(cf -> {
                if (!cf.isSuccess()) {
                    Throwable cause = cf.cause();
                    boolean timedOut = cause instanceof ConnectTimeoutException;
                    finish(new CheckResult(timedOut ? CheckStatus.L4TOUT : CheckStatus.L4CON, 0,
                            timedOut ? null : SocketErrors.describe(cause), elapsed()));
                    return;
                }
                long remaining = checkTimeout > 0 ? checkTimeout : Math.max(1, interMs() - elapsed());
                timeout = loop.schedule(() -> finish(new CheckResult(dialogue.timeoutStatus(), 0,
                        dialogue.timeoutInfo(), elapsed())), remaining, TimeUnit.MILLISECONDS);
                SendProxy header = agent ? null : checkHeader(server.config(), c, b.checks());
                if (header != null) {
                    // Before any TLS: the PROXY header is the connection's first bytes, in clear; it names the
                    // check connection's own ends.
                    channel.write(ProxyHeaderEncoder.encode(channel.alloc(), header, channel.localAddress(),
                            channel.remoteAddress(), ProxyHeaderEncoder.Facts.NONE));
                }
                TlsOrigin tls = agent ? null : server.tls();
                if (tls == null || !tls.checks()) {
                    judge(dialogue.connected(channel));
                    channel.flush();
                    return;
                }
                channel.flush();
                SslHandler handler = tls.checkHandler(channel, target);
                channel.pipeline().addFirst(handler);
                handler.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        Dialogue.Verdict v = dialogue.connected(channel);
                        // A plain connect check over TLS has passed the handshake: layer 6, as HAProxy reports it.
                        judge(v != null && v.status() == CheckStatus.L4OK ? Dialogue.Verdict.of(CheckStatus.L6OK, null)
                                : v);
                        channel.flush();
                    } else {
                        finish(new CheckResult(CheckStatus.L6RSP, 0, "SSL handshake failure", elapsed()));
                    }
                });
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            try {
                if (!finished && received.readableBytes() < HttpDialogue.MAX_RESPONSE * 4) {
                    received.writeBytes(data);
                    judge(dialogue.received(channel, received, false));
                }
            } finally {
                data.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent && !finished) {
                Dialogue.Verdict v = dialogue.received(channel, received, true);
                judge(v != null ? v : Dialogue.Verdict.of(CheckStatus.L7RSP, "connection closed by the server"));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!finished) {
                Dialogue.Verdict v = dialogue.received(channel, received, true);
                judge(v != null ? v : Dialogue.Verdict.of(CheckStatus.L7RSP, "connection closed by the server"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(new CheckResult(CheckStatus.SOCKERR, 0, SocketErrors.describe(cause), elapsed()));
        }

        private void judge(Dialogue.Verdict v) {
            if (v != null) {
                finish(new CheckResult(v.status(), v.code(), v.info(), elapsed()));
            }
        }

        private void finish(CheckResult result) {
            if (finished) {
                return;
            }
            finished = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            received.release();
            if (channel != null) {
                channel.close();
            }
            done(result);
        }

        private long elapsed() {
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    private static boolean sendProxyRule(CheckSettings s) {
        return s.type() == CheckSettings.Type.TCP_CHECK && !s.tcpRules().isEmpty()
                && s.tcpRules().get(0).action().equals("connect") && s.tcpRules().get(0).sendProxy();
    }

    /**
     * The PROXY header a check begins with, of the version the server's traffic uses (else version 1): with
     * {@code check-send-proxy} or {@code tcp-check connect send-proxy}, or when the traffic sends one and the check
     * goes to the traffic's own address (no {@code port}, no {@code addr}), as HAProxy. Null for none.
     */
    static SendProxy checkHeader(Server server, ServerCheck c, CheckSettings s) {
        SendProxy traffic = server.sendProxy();
        boolean wanted = c.sendProxy() || sendProxyRule(s) || traffic != null && c.port() == 0 && c.addr() == null;
        if (!wanted) {
            return null;
        }
        return new SendProxy(traffic != null ? traffic.version() : 1, Set.of());
    }

    static Dialogue dialogue(CheckSettings s) {
        return switch (s.type()) {
            case TCP -> new Dialogue() {
                @Override
                public Verdict connected(Channel channel) {
                    return Verdict.of(CheckStatus.L4OK, null);
                }

                @Override
                public Verdict received(Channel channel, ByteBuf in, boolean closed) {
                    return null;
                }
            };
            case HTTP -> new HttpDialogue(s);
            case TCP_CHECK -> new TcpRulesDialogue(s.tcpRules());
            case REDIS -> TcpRulesDialogue.redis();
            case MYSQL -> new MysqlDialogue(s.user(), s.mysqlPost41());
            case PGSQL -> new PgsqlDialogue(s.user());
            case SSL_HELLO -> SimpleBinaryDialogue.sslHello();
            case LDAP -> SimpleBinaryDialogue.ldap();
            case SMTP -> new SmtpDialogue();
        };
    }
}
