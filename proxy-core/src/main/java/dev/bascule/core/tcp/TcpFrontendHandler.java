package dev.bascule.core.tcp;

import dev.bascule.core.BackendState;
import dev.bascule.core.Buffers;
import dev.bascule.core.Dispatch;
import dev.bascule.core.FrontendState;
import dev.bascule.core.ServerAssignment;
import dev.bascule.core.ServerState;
import dev.bascule.core.Switching;
import dev.bascule.core.TcpRequestRules;
import dev.bascule.core.Transport;
import dev.bascule.core.proxyprotocol.ProxyHeader;
import dev.bascule.core.sample.Payload;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.sample.Vars;
import dev.bascule.core.stream.Stream;
import dev.bascule.core.tls.TlsSession;
import dev.bascule.core.stream.Termination;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of a TCP-mode session before it is relayed: holds the client's first bytes while the
 * {@code tcp-request content} rules inspect them (up to {@code tcp-request inspect-delay}), picks the backend, gets
 * a server through {@link Dispatch}, then hands both channels to {@link Relay}. Once the rules have decided the
 * client is not read until the server connection is up, except that a client FIN makes epoll read what came before
 * it: that data and the FIN are kept and passed on once connected.
 */
public final class TcpFrontendHandler extends ChannelInboundHandlerAdapter implements Dispatch.Outcome {
    /** Where the session is: its bytes inspected by the content rules, then refused or a server being had. */
    private enum Phase { INSPECTING, REJECTED, DISPATCHING }

    private final FrontendState frontend;
    private final Switching switching;
    /** Where this session goes: the {@code use_backend} rules' choice once inspected, or the default backend. */
    private BackendState backend;
    private final Transport transport;
    private Phase phase;
    private Dispatch dispatch;
    private Stream stream;
    private long accepted;
    /** The server connection, once connected. */
    private Channel server;
    private ChannelHandlerContext ctx;
    /** The bytes the content rules read (HAProxy's request buffer), forwarded first once connected; or null. */
    private ByteBuf held;
    /** Ends the inspection when {@code tcp-request inspect-delay} is over, or null. */
    private ScheduledFuture<?> inspectTimer;
    private final List<Object> early = new ArrayList<>();
    private boolean clientFinished;

    /** @param switching where sessions go ({@code use_backend}, {@code default_backend}) */
    public TcpFrontendHandler(FrontendState frontend, Switching switching, Transport transport) {
        this.frontend = frontend;
        this.switching = switching;
        this.transport = transport;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        accepted = System.nanoTime();
        Channel client = ctx.channel();
        stream = new Stream(frontend, ProxyHeader.client(client), ProxyHeader.destination(client), accepted);
        client.closeFuture().addListener(f -> closed());
        stream.tls(TlsSession.of(client));
        stream.proxyHeader(ProxyHeader.of(client));
        stream.session(Vars.ofSession(client));
        stream.listenerOf(client);
        TcpRequestRules rules = frontend.tcpRules();
        if (!rules.hasContentRules()) {
            // As HAProxy without tcp-request content rules: layer 6 and 7 fetches find nothing.
            route(null);
            return;
        }
        phase = Phase.INSPECTING;
        held = ctx.alloc().buffer();
        if (rules.inspectDelayMs() > 0) {
            inspectTimer = ctx.executor().schedule(() -> inspect(true), rules.inspectDelayMs(), TimeUnit.MILLISECONDS);
            client.config().setAutoRead(true);
        }
        inspect(false);
    }

    /**
     * Runs the content rules on the bytes held: they wait for more while a condition cannot tell and more may come
     * (within the delay, the buffer not full, the client not finished), else they decide.
     */
    private void inspect(boolean delayOver) {
        if (phase != Phase.INSPECTING || !ctx.channel().isActive()) {
            return;
        }
        TcpRequestRules rules = frontend.tcpRules();
        boolean complete = delayOver || rules.inspectDelayMs() == 0 || clientFinished
                || held.readableBytes() >= Buffers.BUFSIZE;
        Payload payload = new Payload(held, complete);
        TcpRequestRules.Verdict v = rules.content(SampleContext.of(stream, null, switching::backend).with(payload));
        if (v == TcpRequestRules.Verdict.WAIT) {
            return;
        }
        if (inspectTimer != null) {
            inspectTimer.cancel(false);
        }
        if (v == TcpRequestRules.Verdict.REJECT) {
            // HAProxy's "PR": counted as a denied request, the connection killed.
            phase = Phase.REJECTED;
            frontend.counters().requestDenied();
            stream.terminate(Termination.Cause.DENIED);
            TcpRequestRules.kill(ctx.channel());
            return;
        }
        ctx.channel().config().setAutoRead(false);
        // The switching rules read the same bytes, as final (HAProxy's SMP_OPT_FINAL): no more waiting.
        route(new Payload(held, true));
    }

    /** The session's backend from the switching rules, then a server for it. */
    private void route(Payload payload) {
        phase = Phase.DISPATCHING;
        SampleContext c = SampleContext.of(stream, null, switching::backend);
        backend = switching.hasRules() ? switching.choose(payload == null ? c : c.with(payload)) : switching.fallback();
        if (backend == null) {
            // HAProxy's "no backend" for a TCP frontend without default_backend.
            stream.terminate(Termination.Cause.INTERNAL);
            ctx.close();
            return;
        }
        stream.backend(backend);
        dispatch = new Dispatch(ctx.channel(), backend, transport, this);
        ServerAssignment rules = backend.assignment();
        if (rules.isEmpty()) {
            dispatch.start(stream, null, false);
            return;
        }
        SampleContext at = payload == null ? SampleContext.of(stream, null, switching::backend)
                : SampleContext.of(stream, null, switching::backend).with(payload);
        ServerAssignment.Persistence persistence = rules.persistence(at);
        dispatch.start(stream, rules.useServer(at, persistence), persistence == ServerAssignment.Persistence.FORCE);
    }

    private void closed() {
        if (inspectTimer != null) {
            inspectTimer.cancel(false);
        }
        if (stream.state() != Stream.State.DATA) {
            // Closed before its server connection was up: the client gave up (unless a cause came first).
            stream.terminate(Termination.Cause.CLIENT_ABORT);
        }
        if (dispatch != null) {
            dispatch.release();
        }
        if (server != null) {
            // Its session on the server ends before the line is logged, as HAProxy's does (%bc, %sc).
            server.close();
        }
        if (backend != null) {
            backend.timings().ended(System.nanoTime() - accepted);
        }
        stream.end();
    }

    @Override
    public void failed(String reason) {
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase != Phase.INSPECTING || !(msg instanceof ByteBuf b)) {
            early.add(msg);
            return;
        }
        // Counted as they come in, as HAProxy counts what it reads into the request buffer.
        stream.bytesIn(b.readableBytes());
        held.writeBytes(b);
        b.release();
        if (held.readableBytes() >= Buffers.BUFSIZE) {
            // A full buffer is read no further: the rules decide on it (HAProxy's channel_full).
            ctx.channel().config().setAutoRead(false);
        }
        inspect(false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        releaseHeld();
        ctx.fireChannelInactive();
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            clientFinished = true;
            // Nothing more will come: the rules decide on what there is.
            inspect(false);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void connected(Channel serverChannel, ServerState target, boolean reused) {
        Channel client = ctx.channel();
        server = serverChannel;
        target.sessionStarted();
        target.track(client);
        serverChannel.closeFuture().addListener(f -> target.sessionEnded());
        stream.relaying();
        SessionTimeout timeout = SessionTimeout.start(client, serverChannel, frontend.config().timeouts().clientMs(),
                backend.config().timeouts().serverMs(), stream);
        serverChannel.pipeline().addLast(new Relay(client, stream, false, timeout));
        ctx.pipeline().replace(this, "relay", new Relay(serverChannel, stream, true, timeout));
        if (held != null && held.isReadable()) {
            serverChannel.write(held);
            held = null;
        } else {
            releaseHeld();
        }
        if (!early.isEmpty()) {
            for (Object m : early) {
                if (m instanceof ByteBuf b) {
                    stream.bytesIn(b.readableBytes());
                }
                serverChannel.write(m);
            }
            early.clear();
        }
        serverChannel.flush();
        if (frontend.log() != null) {
            // option logasap: HAProxy's line of a TCP session is written once its server is connected.
            frontend.log().early(stream, System.nanoTime());
        }
        if (clientFinished) {
            client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        client.config().setAutoRead(true);
        serverChannel.config().setAutoRead(true);
    }
}
