package dev.bascule.core.http;

import dev.bascule.config.model.HttpAction;
import dev.bascule.config.model.HttpSettings;
import dev.bascule.config.model.HttpSettings.ConnectionMode;
import dev.bascule.config.model.LogSettings;
import dev.bascule.core.BackendState;
import dev.bascule.core.Dispatch;
import dev.bascule.core.InactivityTimeout;
import dev.bascule.core.ServerAssignment;
import dev.bascule.core.ServerState;
import dev.bascule.core.TcpRequestRules;
import dev.bascule.core.log.UniqueId;
import dev.bascule.core.proxyprotocol.ProxyHeader;
import dev.bascule.core.sample.SampleContext;
import dev.bascule.core.sample.Vars;
import dev.bascule.core.stream.Stream;
import dev.bascule.core.tls.TlsSession;
import dev.bascule.core.stream.Termination;
import dev.bascule.core.tcp.Relay;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The client side of an HTTP/1 connection: one transaction at a time, each a {@link Stream} (pipelined requests
 * wait in the {@link #inbox}), each request head run through the proxy's {@link RequestAnalyzer}s, heads and
 * bodies forwarded in the bytes they came in ({@link RequestParser}, {@link ResponseParser}) with explicit
 * reads so neither side outruns the other. Where the transaction is, is two small state machines: the
 * request's ({@link RequestPhase}, as the client sends it) and the response's ({@link ResponsePhase}).
 * The server connection of a finished transaction stays open for reuse ({@code http-reuse}), unless the
 * connection mode or either side says close. A {@code 101 Switching Protocols} turns both into a TCP relay.
 */
public final class ClientSide extends ChannelInboundHandlerAdapter implements Dispatch.Outcome {
    private static final Logger log = LoggerFactory.getLogger(ClientSide.class);

    /** The request of the current transaction, as the client sends it. */
    enum RequestPhase {
        /** Between requests: no byte of the next head yet ({@code timeout http-keep-alive} runs). */
        AWAITING_HEAD,
        /** Part of a head came ({@code timeout http-request} runs). */
        HEAD_STARTED,
        /** The head came; its body (maybe empty) is read and forwarded. */
        BODY,
        /** The head came; its body is read and dropped before the proxy's own answer. */
        DISCARDING,
        /** The head came; {@code http-request tarpit} holds it, reading nothing more, until its answer is due. */
        TARPIT,
        /** The head came; its body is read and held ({@code wait-for-body}) before the rules after it run. */
        HOLDING_BODY,
        /** All of it went to the server. */
        COMPLETE
    }

    /** The response of the current transaction. */
    enum ResponsePhase {
        /** None expected from a server (no request yet, or the proxy answers itself). */
        NONE,
        /** The request is dispatched (queue, connect, sent); nothing of its response reached the client yet. */
        AWAITED,
        /** Its head went to the client; its body follows. */
        FORWARDING,
        /** A {@code 101}: the connection is a tunnel until either side closes. */
        TUNNEL
    }

    /** The setup of the current transaction: a reload's new one from the next request on. */
    HttpProxy proxy;
    private final Supplier<HttpProxy> current;
    private ChannelHandlerContext ctx;
    /** Where response bytes are written: after the client pipeline's encoder, which only local responses use. */
    private ChannelHandlerContext rawOut;
    /** {@code timeout client}, suspended while the client only waits for its response; or null. */
    private InactivityTimeout clientTimeout;
    private boolean responseUnflushed;
    /**
     * {@code option logasap}: when the forwarded response head came (0 when no early line is due). HAProxy writes the
     * line once it has analyzed the head, counting what of the body came with it: here at the end of that read.
     */
    private long logAsapNanos;
    private Dispatch dispatch;
    /** How this request's persistence cookie counts ({@code force-persist}, {@code ignore-persist}). */
    private ServerAssignment.Persistence persistence = ServerAssignment.Persistence.NORMAL;
    /** The backend's {@code cookie} persistence, or null. */
    private CookiePersistence cookies;

    private Stream stream;
    private RequestPhase request = RequestPhase.AWAITING_HEAD;
    private ResponsePhase response = ResponsePhase.NONE;
    private Channel server;
    /** The handler at the end of {@link #server}'s pipeline (looked up once, not per read). */
    private ServerSide serverSide;
    private ServerState target;
    /** The server connection was an idle one: if it dies before any response, the request goes again. */
    private boolean reusedConnection;
    /** {@code http-reuse never}: this client's own idle server connection, and its server. */
    private Channel ownIdle;
    private ServerState ownIdleTarget;
    /** The request waiting for its server connection. */
    private RequestHead pending;
    /** The size of the current request's head, counted on its server once sent. */
    private int headSize;
    /**
     * For a frontend that logs, the transaction's chunked request and response, whose chunk framing the logged
     * sizes leave out ({@link Stream#htxDelta}) once their bodies went through (a request's body dropped unread
     * counts neither its bytes nor its framing).
     */
    private MessageHead chunkedRequest;
    private MessageHead chunkedResponse;
    /**
     * The head of a bodiless request, kept while it may be sent again ({@code retry-on}, or a reused connection
     * that the server closed at the same moment), and the retries left for it.
     */
    private RequestHead replay;
    private int replaysLeft;
    /** The pending request is a replay: its (empty) body was sent already. */
    private boolean replaying;
    private boolean closeClient;
    private boolean closeServer;
    /** The request in progress is HTTP/1.1 (an HTTP/1.0 client kept alive is told so in every response). */
    private boolean clientHttp11;
    /** The server this transaction counts a session on, until the response ends. */
    private ServerState sessionOn;
    /** A status answered by the proxy itself once the request body (if any) has been read. */
    private int pendingLocal;
    /** The answer a rule gave for {@link #pendingLocal}, or null for the proxy's page. */
    private FullHttpResponse pendingPage;
    private boolean clientReadWanted;
    /**
     * Messages decoded before they were asked for: pipelined requests, or body that came with its head while the
     * server connection is not up yet. Netty's FlowControlHandler did this for every message (6% of the HTTP path
     * in profiles); here only messages that must wait pay for it.
     */
    private final ArrayDeque<Object> inbox = new ArrayDeque<>(2);
    private boolean firstRequestDone;
    /** The current request is the connection's first ({@code http-reuse safe} gives it no shared connection). */
    private boolean firstRequest;
    /** The client half-closed: the request in progress (and any already received) is the last. */
    private boolean clientFinished;
    /**
     * One timer per connection, not one per request: requests move {@code headDeadline} and the timer, when it
     * fires early, sleeps again until the deadline (scheduling and cancelling per request showed in profiles).
     */
    private ScheduledFuture<?> headTimer;
    private long headTimerAt;
    private long headDeadline;
    /** When the last read came while a head was awaited: the arrival of a head that read completes. */
    private long headReadNanos;
    /** The connection's variables ({@code sess.}), which each of its transactions shares. */
    private Vars sessionVars;
    /** The end of a tarpit ({@link RequestPhase#TARPIT}), or null. */
    private ScheduledFuture<?> tarpitTimer;
    /**
     * {@link RequestPhase#HOLDING_BODY}: the head whose body is held, the rules that wait for it and the first of them
     * to run once it is, the pieces read so far (sent on as they came once the rules are done), the {@code at-least}
     * that ends the wait (0: none), and the {@code time} that ends it.
     */
    private RequestHead holdingFor;
    private RequestRules waitingRules;
    private int waitingFrom;
    private final List<ByteBuf> held = new java.util.ArrayList<>(4);
    private boolean heldEnd;
    private long heldAtLeast;
    private ScheduledFuture<?> bodyTimer;

    /** @param current the frontend's setup in the current generation (null when it has none any more) */
    ClientSide(HttpProxy proxy, Supplier<HttpProxy> current) {
        this.proxy = proxy;
        this.current = current;
        this.cookies = cookiesOf(proxy.backend);
    }

    private static CookiePersistence cookiesOf(BackendState backend) {
        return backend == null || backend.config().cookie() == null ? null
                : new CookiePersistence(backend.config().cookie(), backend.servers(),
                () -> System.currentTimeMillis() / 1000);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.rawOut = ctx.pipeline().context(RequestParser.class);
        this.clientTimeout = ctx.pipeline().get(InactivityTimeout.class);
        long accepted = System.nanoTime();
        sessionVars = Vars.ofSession(ctx.channel());
        dispatch = dispatchOf(proxy);
        ctx.channel().closeFuture().addListener(f -> closed(accepted));
        newStream(accepted);
        awaitRequest(accepted);
    }

    private void closed(long accepted) {
        if (headTimer != null) {
            // A closed connection must not stay referenced by the timer queue until its timeout.
            headTimer.cancel(false);
        }
        if (tarpitTimer != null) {
            tarpitTimer.cancel(false);
        }
        if (bodyTimer != null) {
            bodyTimer.cancel(false);
        }
        if (holdingFor != null) {
            holdingFor.release();
            holdingFor = null;
        }
        held.forEach(ByteBuf::release);
        held.clear();
        endTransaction();
        releaseInbox();
        dropReplay();
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (server != null) {
            server.close();
        }
        if (ownIdle != null) {
            ownIdle.close();
        }
        if (proxy.backend != null) {
            proxy.backend.timings().ended(System.nanoTime() - accepted);
        }
        if (request == RequestPhase.AWAITING_HEAD && firstRequestDone) {
            // A kept-alive connection closed between requests: no transaction was begun, none is reported.
            return;
        }
        if (response != ResponsePhase.TUNNEL) {
            // Closed with its transaction unfinished (unless a cause came first): the client gave up.
            stream.terminate(Termination.Cause.CLIENT_ABORT);
        }
        endStream(System.nanoTime());
    }

    /** Ends the transaction's stream, its chunked bodies' framing taken out of the logged sizes first. */
    private void endStream(long now) {
        if (chunkedRequest != null || chunkedResponse != null) {
            stream.htxDelta(chunkedRequest == null ? 0 : -chunkedRequest.chunkFraming(),
                    chunkedResponse == null ? 0 : -chunkedResponse.chunkFraming());
            chunkedRequest = null;
            chunkedResponse = null;
        }
        stream.end(now);
    }

    private Dispatch dispatchOf(HttpProxy p) {
        return p.backend == null ? null : new Dispatch(ctx.channel(), p.backend, p.transport, this);
    }

    /**
     * The next transaction's stream: it starts when the previous one ended (HAProxy's %Ti counts from there), on
     * the generation current then.
     */
    private void newStream(long startNanos) {
        HttpProxy next = current.get();
        // The setup a use_backend rule routed the last request with is kept while it is the current generation's.
        if (next != null && next.routed(proxy.backend) != proxy) {
            boolean backendChanged = next.backend != proxy.backend;
            proxy = next;
            if (backendChanged) {
                dispatch = dispatchOf(next);
                cookies = cookiesOf(next.backend);
            }
        }
        stream = new Stream(proxy.frontend, ProxyHeader.client(ctx.channel()), ProxyHeader.destination(ctx.channel()),
                startNanos);
        stream.tls(TlsSession.of(ctx.channel()));
        stream.proxyHeader(ProxyHeader.of(ctx.channel()));
        stream.session(sessionVars);
        stream.listenerOf(ctx.channel());
        logAsapNanos = 0;
    }

    // --- waiting for a request head ---

    /**
     * Waits for the next request head under HAProxy's timers: {@code timeout http-request} for the first
     * request and for a head that has begun, {@code timeout http-keep-alive} while a kept-alive client is
     * silent. On expiry a started or first head gets 408; a silent kept-alive connection is just closed.
     *
     * @param now the clock reading the previous transaction ended at (or the accept's)
     */
    private void awaitRequest(long now) {
        request = RequestPhase.AWAITING_HEAD;
        response = ResponsePhase.NONE;
        clientExpected();
        var t = proxy.frontend.config().timeouts();
        armHeadTimer(firstRequestDone ? t.effectiveHttpKeepAliveMs() : t.effectiveHttpRequestMs(), now);
        readClient();
        if (clientFinished && awaitingHead()) {
            // The client sent its FIN and no request of its was waiting: nothing more can come.
            ctx.close();
        }
    }

    private boolean awaitingHead() {
        return request == RequestPhase.AWAITING_HEAD || request == RequestPhase.HEAD_STARTED;
    }

    private void armHeadTimer(long ms, long now) {
        if (ms <= 0) {
            headDeadline = 0;
            return;
        }
        headDeadline = now + TimeUnit.MILLISECONDS.toNanos(ms);
        if (headTimer != null && headTimerAt - headDeadline > 0) {
            // The pending timer would fire after this shorter deadline.
            headTimer.cancel(false);
            headTimer = null;
        }
        if (headTimer == null) {
            scheduleHeadTimer(headDeadline - now);
        }
    }

    private void scheduleHeadTimer(long nanos) {
        headTimerAt = System.nanoTime() + nanos;
        headTimer = ctx.executor().schedule(this::headTimerFired, nanos, TimeUnit.NANOSECONDS);
    }

    private void headTimerFired() {
        headTimer = null;
        if (!awaitingHead() || headDeadline == 0 || !ctx.channel().isActive()) {
            return;
        }
        long left = headDeadline - System.nanoTime();
        if (left > 0) {
            scheduleHeadTimer(left);
            return;
        }
        if (request == RequestPhase.HEAD_STARTED || !firstRequestDone) {
            stream.terminate(Termination.Cause.CLIENT_TIMEOUT);
            request = RequestPhase.COMPLETE;
            writeLocal(408, true);
        } else {
            ctx.close();
        }
    }

    /** Bytes arrived (told by the {@link RequestParser} before it parses them). */
    void bytesArrived() {
        if (!awaitingHead()) {
            return;
        }
        long now = System.nanoTime();
        headReadNanos = now;
        if (request == RequestPhase.AWAITING_HEAD) {
            request = RequestPhase.HEAD_STARTED;
            stream.requestStarted(now);
            if (firstRequestDone) {
                armHeadTimer(proxy.frontend.config().timeouts().effectiveHttpRequestMs(), now);
            }
        }
    }

    // --- reading the client ---

    /**
     * Asks for the next client message: the first waiting in the {@link #inbox}, or a read. A read event that
     * brought no whole message (half a request head) does not satisfy it, so the wish is kept until a message
     * comes and renewed on read complete.
     */
    private void readClient() {
        Object waiting = inbox.poll();
        if (waiting != null) {
            clientReadWanted = false;
            handle(waiting);
        } else {
            clientReadWanted = true;
            ctx.read();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (clientReadWanted) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!ctx.channel().isOpen()) {
            // Closed while the decoder was handing over what one read brought (a local answer whose write and
            // close completed at once): the inbox was already released, so what comes after is released here.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!clientReadWanted || !inbox.isEmpty()) {
            if (msg instanceof MessageFramer.Invalid) {
                dropUnsentBody();
            }
            inbox.add(msg);
            return;
        }
        clientReadWanted = false;
        handle(msg);
    }

    /**
     * The body pieces waiting behind the head they belong to, dropped when a later piece turns out broken:
     * as HAProxy, a server gets nothing of a body the proxy has not validated yet.
     */
    private void dropUnsentBody() {
        while (inbox.peekLast() instanceof ByteBuf piece) {
            inbox.pollLast();
            piece.release();
        }
    }

    private void handle(Object msg) {
        if (msg instanceof RequestHead head) {
            onRequest(head);
        } else if (msg instanceof MessageFramer.Invalid invalid) {
            onInvalid(invalid);
        } else {
            onRequestBody(msg);
        }
    }

    /**
     * A request head came, valid or not: it is counted, its timer stops.
     *
     * @param valid an invalid head has no request time ({@code %TR} -1), as in HAProxy
     * @return whether it is the connection's first
     */
    private boolean headArrived(boolean valid) {
        proxy.frontend.http().request();
        if (valid) {
            // A head whose bytes came while it was awaited arrived with the read that is being parsed; one that
            // came with an earlier request (pipelined) is received now.
            stream.headReceived(request == RequestPhase.HEAD_STARTED ? headReadNanos : System.nanoTime());
        }
        headDeadline = 0;
        boolean first = !firstRequestDone;
        firstRequestDone = true;
        return first;
    }

    private void onRequest(RequestHead head) {
        firstRequest = headArrived(true);
        request = RequestPhase.BODY;
        dropReplay();
        headSize = head.size();
        stream.bytesIn(headSize);
        if (logs()) {
            logged(head);
        }
        clientHttp11 = head.protocolVersion() == HttpVersion.HTTP_1_1;
        closeClient = !head.keepAlive || proxy.mode == ConnectionMode.CLOSE || proxy.frontend.isStopping();
        for (RequestAnalyzer a : proxy.analyzers) {
            if (a.analyze(this, head)) {
                return;
            }
        }
    }

    private boolean logs() {
        return proxy.frontend.log() != null;
    }

    /** What the log reads of a request: its line, captures and size, taken from the bytes as they came. */
    private void logged(RequestHead head) {
        proxy.frontend.log().accepted(stream.clientAddress(), stream.frontendAddress());
        stream.requestLine(head.method().name(), head.uri(), head.protocolVersion().text());
        stream.htxDelta(head.htxSize() - headSize, 0);
        chunkedRequest = head.chunked ? head : null;
        LogSettings settings = proxy.frontend.config().log();
        if (!settings.requestCaptures().isEmpty()) {
            stream.requestCaptures(head.captures(settings.requestCaptures()));
        }
        if (settings.cookieCapture() != null) {
            stream.requestCookie(head.cookieCapture("Cookie", true, settings.cookieCapture()));
        }
    }

    // --- what the analyzers do ---

    /** The {@code monitor-uri}'s answer: not logged, counted as intercepted ({@code LR}) whether 200 or 503. */
    void monitorAnswer(RequestHead head) {
        stream.notLogged();
        int status = proxy.monitor.status(SampleContext.of(stream, head, proxy.switching::backend));
        head.release();
        if (status != 200) {
            // HAProxy's SF_ERR_LOCAL on a failed monitor request: its own answer, not a fault (a 200 is marked so
            // when written, after the request's body).
            stream.terminate(Termination.Cause.LOCAL);
        }
        respondLocally(status);
    }

    /** @return whether an applet took the request (the connection is then the applet's) */
    boolean toApplet(RequestHead head) {
        ChannelHandler[] applet = proxy.claim.apply(SampleContext.of(stream, head, proxy.switching::backend));
        if (applet == null) {
            return false;
        }
        handOver(head, applet);
        return true;
    }

    /**
     * Takes this request's backend from the {@code use_backend} rules: from now on, until the next request, the
     * transaction's setup is the one merged with that backend, and its dispatch and persistence are that backend's.
     */
    void route(RequestHead head) {
        HttpProxy to = proxy.routed(proxy.switching.choose(SampleContext.of(stream, head, proxy.switching::backend)));
        if (to != proxy) {
            boolean backendChanged = to.backend != proxy.backend;
            proxy = to;
            if (backendChanged) {
                dispatch = dispatchOf(to);
                cookies = cookiesOf(to.backend);
            }
        }
    }

    /**
     * {@code tcp-request content} rules on an HTTP request: its head is there (they read it whole, as HAProxy's do
     * once its H1 mux has parsed it). A reject kills the connection without an answer: {@code PR}, counted in dreq.
     */
    boolean tcpContentRules(RequestHead head) {
        SampleContext c = SampleContext.of(stream, head, proxy.switching::backend);
        if (proxy.frontend.tcpRules().content(c) != TcpRequestRules.Verdict.REJECT) {
            return false;
        }
        head.release();
        proxy.frontend.counters().requestDenied();
        stream.terminate(Termination.Cause.DENIED);
        TcpRequestRules.kill(ctx.channel());
        return true;
    }

    boolean requestRules(RequestHead head) {
        if (proxy.frontendBuffers && waitForBody(head, proxy.requestRules, 0, bufferedBody())) {
            return true;
        }
        return proxy.requestRules.run(this, head, stream, SampleContext.of(stream, head, proxy.switching::backend));
    }

    /** {@code option http-buffer-request}: the whole body (up to the buffer), within {@code timeout http-request}. */
    private HttpAction.WaitForBody bufferedBody() {
        var t = proxy.frontend.config().timeouts();
        return new HttpAction.WaitForBody(t.httpRequestMs() > 0 ? t.httpRequestMs() : t.clientMs(), 0);
    }

    /** The chosen backend's {@code http-request} rules, which read it as the request's backend ({@code be_name}). */
    boolean backendRequestRules(RequestHead head) {
        stream.backend(proxy.backend);
        if (proxy.backendBuffers && waitForBody(head, proxy.backendRules, 0, bufferedBody())) {
            return true;
        }
        return proxy.backendRules.run(this, head, stream, SampleContext.of(stream, head, proxy.switching::backend));
    }

    /**
     * {@code http-request deny}: the rule's reply, or the proxy's page for {@code status} when {@code page} is null;
     * {@code PR}, counted in the frontend's dreq.
     */
    void deny(RequestHead head, int status, FullHttpResponse page) {
        head.release();
        proxy.frontend.counters().requestDenied();
        stream.terminate(Termination.Cause.DENIED);
        respondLocally(status, page);
    }

    /**
     * {@code http-request tarpit}: the request is held for the proxy's {@code timeout tarpit} (else its
     * {@code timeout connect}; the backend's once one is chosen, as HAProxy reads it), by a timer on the connection's
     * loop, then answered with the page for {@code status} and the connection closed; {@code PT}, counted in dreq.
     */
    void tarpit(RequestHead head, int status) {
        head.release();
        proxy.frontend.counters().requestDenied();
        stream.tarpitted();
        stream.terminate(Termination.Cause.DENIED);
        request = RequestPhase.TARPIT;
        clientExpected();
        var timeouts = stream.backend() != null ? stream.backend().config().timeouts()
                : proxy.frontend.config().timeouts();
        tarpitTimer = ctx.executor().schedule(() -> {
            tarpitTimer = null;
            request = RequestPhase.COMPLETE;
            writeLocal(status, true);
        }, timeouts.effectiveTarpitMs(), TimeUnit.MILLISECONDS);
    }

    /**
     * {@code early-hint}: a 103 the client gets at once, ahead of the answer (its bytes count as sent), in bytes past
     * the encoder as the server's interim responses are.
     */
    void earlyHints(String response) {
        ByteBuf bytes = Unpooled.copiedBuffer(response, java.nio.charset.StandardCharsets.ISO_8859_1);
        stream.bytesOut(bytes.readableBytes());
        rawOut.writeAndFlush(bytes, rawOut.voidPromise());
    }

    /**
     * {@code http-request wait-for-body}: unless no body comes or it is held already, the body is read and held, and
     * {@code rules} go on from {@code from} once it has come whole, or {@code atLeast} bytes of it, or the buffer is
     * full, or {@code time} passed (HAProxy's {@code http_wait_for_msg_body}).
     *
     * @return true when the rules wait (they go on later, from here)
     */
    boolean waitForBody(RequestHead head, RequestRules rules, int from, HttpAction.WaitForBody wait) {
        if (head.bodyHeld() || request != RequestPhase.BODY) {
            return false;
        }
        holdingFor = head;
        waitingRules = rules;
        waitingFrom = from;
        heldAtLeast = wait.atLeast();
        request = RequestPhase.HOLDING_BODY;
        if (head.expectContinue) {
            // As HAProxy: the proxy tells the client to send its body, and the server is not asked again.
            head.headers().remove(HttpHeaderNames.EXPECT);
            rawOut.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 100 Continue\r\n\r\n",
                    java.nio.charset.StandardCharsets.US_ASCII), rawOut.voidPromise());
        }
        bodyTimer = ctx.executor().schedule(this::bodyHeld, wait.timeMs(), TimeUnit.MILLISECONDS);
        readClient();
        return true;
    }

    /** A piece of the body being held, or its end. */
    private void hold(Object piece) {
        if (piece == MessageFramer.END) {
            heldEnd = true;
        } else {
            held.add((ByteBuf) piece);
        }
        long bytes = held.stream().mapToLong(ByteBuf::readableBytes).sum();
        if (heldEnd || bytes >= HttpProxy.BUFSIZE || heldAtLeast > 0 && bytes >= heldAtLeast) {
            bodyHeld();
        } else {
            readClient();
        }
    }

    /**
     * The wait is over: the head carries what came of the body for the fetches, the pieces go first in the inbox (read
     * again in order, as if they came now), and the rules go on, then the analyzers after them.
     */
    private void bodyHeld() {
        if (request != RequestPhase.HOLDING_BODY) {
            return;
        }
        if (bodyTimer != null) {
            bodyTimer.cancel(false);
            bodyTimer = null;
        }
        request = RequestPhase.BODY;
        RequestHead head = holdingFor;
        holdingFor = null;
        head.heldBody(HeldBody.payload(held, head.chunked));
        if (heldEnd) {
            inbox.addFirst(MessageFramer.END);
        }
        for (int i = held.size() - 1; i >= 0; i--) {
            inbox.addFirst(held.get(i));
        }
        held.clear();
        heldEnd = false;
        RequestRules rules = waitingRules;
        waitingRules = null;
        if (rules.run(this, head, stream, SampleContext.of(stream, head, proxy.switching::backend), waitingFrom)) {
            return;
        }
        if (rules != proxy.requestRules) {
            // The backend's rules came last: the request goes to its server.
            RequestAnalyzer.DISPATCH.analyze(this, head);
            return;
        }
        RequestAnalyzer[] analyzers = proxy.analyzers;
        for (int i = List.of(analyzers).indexOf(RequestAnalyzer.HTTP_REQUEST_RULES) + 1; i < analyzers.length; i++) {
            if (analyzers[i].analyze(this, head)) {
                return;
            }
        }
    }

    /** A rule found the request invalid ({@code normalize-uri ... strict}): 400, {@code PR}, as a bad request. */
    void invalidByRule(RequestHead head) {
        head.release();
        stream.terminate(Termination.Cause.PROXY);
        respondLocally(400);
    }

    /** {@code redirect}, {@code http-request return}: the rule's answer (null: the proxy's page), {@code LR}. */
    void answer(RequestHead head, int status, FullHttpResponse page) {
        head.release();
        stream.terminate(Termination.Cause.LOCAL);
        respondLocally(status, page);
    }

    /**
     * {@code http-request auth}: the proxy's 401 page (an errorfile's, else HAProxy's) with its WWW-Authenticate lines
     * replaced by a Basic challenge for {@code realm}, the frontend's name when none is given; {@code LR}.
     */
    void challenge(RequestHead head, String realm) {
        FullHttpResponse page = proxyPage(401);
        page.headers().set(HttpHeaderNames.WWW_AUTHENTICATE,
                "Basic realm=\"" + (realm == null ? proxy.frontend.name() : realm) + "\"");
        answer(head, 401, page);
    }

    void noBackend(RequestHead head) {
        head.release();
        stream.terminate(Termination.Cause.INTERNAL);
        respondLocally(503);
    }

    void dispatch(RequestHead head) {
        BackendState backend = proxy.backend;
        stream.backend(backend);
        closeServer = closeClient || proxy.mode != ConnectionMode.KEEP_ALIVE;
        pending = head;
        response = ResponsePhase.AWAITED;
        replaying = false;
        reusedConnection = false;
        if (proxy.l7Retries && !head.hasBody()) {
            replay = head;
            replay.retain();
        }
        replaysLeft = backend.config().retries();
        backend.http().request();
        UniqueId ids = proxy.frontend.uniqueIds();
        if (ids != null) {
            String id = ids.of(stream, head);
            String header = proxy.frontend.config().log().uniqueIdHeader();
            if (header != null) {
                head.uniqueId(header, id);
            }
        }
        ServerAssignment rules = backend.assignment();
        SampleContext c = rules.isEmpty() ? null : SampleContext.of(stream, head, proxy.switching::backend);
        persistence = c == null ? ServerAssignment.Persistence.NORMAL : rules.persistence(c);
        // use-server before the cookie, as HAProxy's analyzers run (AN_REQ_SRV_RULES, then the cookies).
        ServerState assigned = c == null ? null : rules.useServer(c, persistence);
        ServerState persistent = assigned;
        if (cookies != null) {
            persistent = cookies.requestArrived(head, persistence, assigned);
            stream.persistence(cookies.requestLetter(), cookies.responseLetter());
        }
        clientExpected();
        dispatch.start(stream, idleConnections(), head, persistent,
                persistence == ServerAssignment.Persistence.FORCE);
    }

    private static final Function<ServerState, Channel> NO_IDLE = s -> null;
    private static final Function<ServerState, Channel> ANY_IDLE = s -> IdlePool.take(s, false);
    private static final Function<ServerState, Channel> PROVEN_IDLE = s -> IdlePool.take(s, true);
    /** {@code http-reuse never}: this client's own idle connection, if the request goes to its server. */
    private final Function<ServerState, Channel> ownIdleConnection = s -> {
        Channel own = ownIdle;
        if (own == null || s != ownIdleTarget) {
            return null;
        }
        ownIdle = null;
        ownIdleTarget = null;
        return own.isActive() ? own : null;
    };

    /** Which idle server connections this request may take, by {@code http-reuse}. */
    private Function<ServerState, Channel> idleConnections() {
        if (ownIdle != null && Dispatch.carriesProxyHeader(ownIdleTarget)) {
            // A connection that began with a PROXY header for this client is this client's only (see keepOrClose);
            // the pool never holds one, so a request to another server connects anew.
            return ownIdleConnection;
        }
        return switch (proxy.reuse) {
            case NEVER -> ownIdleConnection;
            case SAFE -> firstRequest ? NO_IDLE : ANY_IDLE;
            case AGGRESSIVE -> firstRequest ? PROVEN_IDLE : ANY_IDLE;
            case ALWAYS -> ANY_IDLE;
        };
    }

    /** A request that cannot be framed: HAProxy's status for it, and the connection closes. */
    private void onInvalid(MessageFramer.Invalid invalid) {
        log.debug("{}: invalid request from {}: {}", proxy.frontend.name(), stream.clientAddress(),
                invalid.reason());
        stream.terminate(Termination.Cause.PROXY);
        if (awaitingHead()) {
            headArrived(false);
            request = RequestPhase.COMPLETE;
            writeLocal(invalid.status(), true);
        } else if (server != null) {
            // A broken chunked body: the request cannot be framed any more.
            serverFailed(server, 400);
        } else {
            writeLocal(400, true);
        }
    }

    /** A piece of request body as the client framed it, or {@link MessageFramer#END}. */
    private void onRequestBody(Object piece) {
        if (request == RequestPhase.HOLDING_BODY) {
            hold(piece);
            return;
        }
        boolean last = piece == MessageFramer.END;
        if (request == RequestPhase.DISCARDING) {
            // Neither its bytes nor its framing are counted.
            chunkedRequest = null;
            ReferenceCountUtil.release(piece);
            if (last) {
                int code = pendingLocal;
                FullHttpResponse page = pendingPage;
                pendingLocal = 0;
                pendingPage = null;
                request = RequestPhase.COMPLETE;
                writeLocal(code, page, closeClient);
            } else {
                readClient();
            }
            return;
        }
        if (server == null || !server.isActive()) {
            chunkedRequest = null;
            ReferenceCountUtil.release(piece);
            return;
        }
        if (last) {
            if (chunkedRequest != null) {
                stream.htxDelta(-chunkedRequest.chunkFraming(), 0);
                chunkedRequest = null;
            }
            request = RequestPhase.COMPLETE;
            server.flush();
            clientExpected();
            return;
        }
        ByteBuf body = (ByteBuf) piece;
        stream.bytesIn(body.readableBytes());
        server.writeAndFlush(body, server.voidPromise());
        if (server.isWritable()) {
            readClient();
        }
    }

    /**
     * HAProxy's client timeout applies while the client is expected to send or to read; not while its whole
     * request is with the server (or waits for one) and nothing of the response has come.
     */
    private void clientExpected() {
        if (clientTimeout != null) {
            clientTimeout.suspend(request == RequestPhase.TARPIT || response == ResponsePhase.AWAITED
                    && (request == RequestPhase.COMPLETE || server == null));
        }
    }

    private void dropReplay() {
        if (replay != null) {
            replay.release();
            replay = null;
        }
    }

    // --- the server connection ---

    @Override
    public void connected(Channel serverChannel, ServerState s, boolean reused) {
        long serverMs = stream.serverTimeoutMs(proxy.backend.config().timeouts().serverMs());
        if (reused) {
            // ServerSide ends the pipeline: last() is one step, a lookup by class walks it on every request.
            serverSide = (ServerSide) serverChannel.pipeline().last();
            serverSide.bind(this);
            serverTimeout(serverChannel.pipeline(), serverMs);
        } else {
            ChannelPipeline p = serverChannel.pipeline();
            InactivityTimeout idle = InactivityTimeout.of(serverMs);
            if (idle != null) {
                p.addLast(idle);
            }
            ResponseParser parser = new ResponseParser(HttpProxy.BUFSIZE);
            serverSide = new ServerSide(s, this, parser);
            p.addLast(parser, serverSide);
            s.track(serverChannel);
        }
        reusedConnection = reused;
        server = serverChannel;
        target = s;
        s.sessionStarted();
        IdlePool.taken(s);
        sessionOn = s;
        RequestHead head = pending;
        pending = null;
        if (reused && replay == null && idempotent(head) && !head.hasBody()) {
            // Kept while the reused connection may turn out closed by the server as the request went out.
            replay = head;
            replay.retain();
        }
        serverSide.sending(head);
        ByteBuf out = head.toServer(ctx.alloc(), proxy.forwardFor, stream.clientAddress(), proxy.originalTo,
                stream.frontendAddress(), closeServer);
        boolean expectContinue = head.expectContinue;
        head.release();
        // A head goes out with the first piece of body (one write instead of two), unless the client waits
        // for 100 Continue before sending that body.
        if (replaying) {
            server.writeAndFlush(out, server.voidPromise());
            request = RequestPhase.COMPLETE;
            clientExpected();
            serverSide.read();
            return;
        }
        // The head was counted on the frontend when it came; the server sees it now.
        s.bytesIn(headSize);
        if (expectContinue) {
            server.writeAndFlush(out, server.voidPromise());
        } else {
            server.write(out, server.voidPromise());
        }
        serverSide.read();
        readClient();
        // After the reads above: a bodiless request's end, read there, keeps the timeout suspended as it has been
        // since the dispatch, instead of resuming it (a clock reading) and suspending it again.
        clientExpected();
    }

    /**
     * A reused connection runs under the timeout its last request had: this one's ({@code set-timeout server}, or
     * the backend's) replaces it when they differ.
     */
    private static void serverTimeout(ChannelPipeline p, long ms) {
        InactivityTimeout had = p.get(InactivityTimeout.class);
        if ((had == null ? 0 : had.millis()) == ms) {
            return;
        }
        InactivityTimeout now = InactivityTimeout.of(ms);
        if (had == null) {
            p.addBefore(p.context(ResponseParser.class).name(), null, now);
        } else if (now == null) {
            p.remove(had);
        } else {
            p.replace(had, null, now);
        }
    }

    /**
     * {@code retry-on}: sends the kept request again when the server failed it in a way the backend retries,
     * before any of its response went to the client; to the same server, or to another one with
     * {@code option redispatch}.
     *
     * @param condition the {@code retry-on} keyword that describes the failure
     */
    private boolean retried(String condition) {
        BackendState backend = proxy.backend;
        if (replaysLeft <= 0 || !backend.config().retryOn().contains(condition) || !mayResend()) {
            return false;
        }
        replaysLeft--;
        ServerState failedOn = target;
        failedOn.retried();
        stream.retried();
        log.debug("{}: {} from server {}, sending the request again", backend.name(), condition, failedOn.id());
        resend(backend.config().redispatchInterval() != 0 ? null : failedOn);
        return true;
    }

    /**
     * A reused idle connection that the server closed as the request went out (neither side could know): the
     * request goes again on a new connection to the same server, once, as HAProxy does.
     */
    private boolean resentAfterReuse() {
        if (!reusedConnection || !mayResend() || !idempotent(replay)) {
            return false;
        }
        log.debug("{}: server {} closed a reused connection, sending the request on a new one", proxy.backend.name(),
                target.id());
        resend(target);
        return true;
    }

    /** RFC 9110 section 9.2.2: only these may be sent again without the client asking. */
    private static boolean idempotent(HttpRequest r) {
        HttpMethod m = r.method();
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.TRACE
                || m == HttpMethod.PUT || m == HttpMethod.DELETE;
    }

    private boolean mayResend() {
        return replay != null && response == ResponsePhase.AWAITED && request == RequestPhase.COMPLETE;
    }

    /** Sends {@link #replay} again on a new connection, to {@code to} (or wherever the balancer says). */
    private void resend(ServerState to) {
        Channel failed = server;
        // To the same server, the slot is kept: given up, it would go to the next waiter and this request behind.
        boolean sameServer = to != null && to == dispatch.server();
        if (sameServer) {
            endSession();
        } else {
            endTransaction();
        }
        server = null;
        target = null;
        reusedConnection = false;
        failed.close();
        pending = replay;
        replay.retain();
        replaying = true;
        if (sameServer) {
            dispatch.reconnect(stream, replay);
        } else {
            dispatch.start(stream, NO_IDLE, replay, to, persistence == ServerAssignment.Persistence.FORCE);
        }
    }

    @Override
    public void failed(String reason) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        response = ResponsePhase.NONE;
        respondLocally(503);
    }

    /**
     * Called by {@link ServerSide} for each message of {@link ResponseParser}: a head, a piece of body (or of a
     * tunnel), the end of the body, or a response that cannot be framed. The response analyzers: retry-on,
     * counting, the tunnel of a 101, interim responses, cookie persistence, then forwarding.
     */
    void onResponse(Channel from, Object msg) {
        if (from != server || response == ResponsePhase.NONE) {
            // A response nobody asked for (a second one, or after the transaction ended): HAProxy drops the
            // server connection.
            ReferenceCountUtil.release(msg);
            from.close();
            return;
        }
        if (msg instanceof ResponseHead head) {
            onResponseHead(head);
        } else if (msg == MessageFramer.END) {
            onResponseEnd();
        } else if (msg instanceof MessageFramer.Invalid invalid) {
            log.debug("{}: invalid response from {}: {}", proxy.backend.name(), target.id(), invalid.reason());
            if (!retried("junk-response")) {
                stream.terminate(Termination.Cause.PROXY);
                serverFailed(from, 502);
            }
        } else {
            ByteBuf body = (ByteBuf) msg;
            stream.bytesOut(body.readableBytes());
            writeToClient(body);
        }
    }

    private void onResponseHead(ResponseHead head) {
        int code = head.status;
        if (code >= 400 && replay != null && retried(String.valueOf(code))) {
            head.release();
            return;
        }
        if (code >= 200 || code == 101) {
            // The server's counts (HAProxy's at the response head); the frontend's and the backend's count the
            // status sent, at the stream's end.
            target.http().request();
            target.http().response(code);
        }
        if (code == 101) {
            response = ResponsePhase.TUNNEL;
            stream.responseStarted(code, System.nanoTime());
            dropReplay();
            tunnel(head);
            return;
        }
        if (head.interim()) {
            ByteBuf interim = head.raw();
            if (logs()) {
                stream.htxDelta(0, head.htxSize() - interim.readableBytes());
            }
            stream.bytesOut(interim.readableBytes());
            writeToClient(interim);
            head.release();
            return;
        }
        if (!proxy.responseRules.isEmpty() || !proxy.afterResponse.isEmpty()) {
            SampleContext c = SampleContext.of(stream, null, proxy.switching::backend).with(head);
            ResponseRules.Intercept intercept = proxy.responseRules.run(head, c);
            if (intercept != null) {
                responseIntercepted(head, intercept);
                return;
            }
            proxy.afterResponse.run(head, c);
            code = head.status();
        }
        response = ResponsePhase.FORWARDING;
        // The client reads from now on, so its timeout applies again: one clock reading for both.
        long now = System.nanoTime();
        stream.responseStarted(code, now);
        if (clientTimeout != null) {
            clientTimeout.resume(now);
        }
        long htxSize = 0;
        if (logs()) {
            htxSize = head.htxSize();
            chunkedResponse = head.chunked ? head : null;
            LogSettings settings = proxy.frontend.config().log();
            if (!settings.responseCaptures().isEmpty()) {
                stream.responseCaptures(head.captures(settings.responseCaptures()));
            }
            if (settings.cookieCapture() != null) {
                stream.responseCookie(head.cookieCapture("Set-Cookie", false, settings.cookieCapture()));
            }
        }
        // Nothing is sent again once the client has part of the answer: the kept request is not needed.
        dropReplay();
        boolean delimitedByClose = head.closeDelimited();
        if (!head.keepAlive || delimitedByClose) {
            closeServer = true;
            closeClient |= delimitedByClose;
        }
        // A soft stop that came while the request was on its way: this answer is the connection's last.
        closeClient |= proxy.frontend.isStopping();
        ServerState s = target;
        ByteBuf out = head.toClient(ctx.alloc(), !closeClient, clientHttp11,
                cookies == null ? null : r -> cookies.responseArrived(r, s));
        head.release();
        if (cookies != null) {
            stream.persistence(cookies.requestLetter(), cookies.responseLetter());
        }
        if (logs()) {
            stream.htxDelta(0, htxSize - out.readableBytes());
        }
        stream.bytesOut(out.readableBytes());
        writeToClient(out);
        if (logs() && proxy.frontend.config().log().logAsap()) {
            logAsapNanos = now;
        }
    }

    /**
     * An {@code http-response deny}, {@code return} or {@code redirect}: the server's response goes no further (its
     * connection is closed, the rest unread) and the proxy answers instead; a deny is counted in dresp ({@code PH}).
     */
    private void responseIntercepted(ResponseHead head, ResponseRules.Intercept intercept) {
        head.release();
        dropReplay();
        if (intercept.denied()) {
            proxy.frontend.counters().responseDenied();
            proxy.backend.counters().responseDenied();
            target.counters().responseDenied();
            stream.terminate(Termination.Cause.DENIED);
        } else {
            stream.terminate(Termination.Cause.LOCAL);
        }
        Channel used = server;
        server = null;
        target = null;
        response = ResponsePhase.NONE;
        endTransaction();
        used.close();
        // A request body still coming cannot be framed once its server is gone.
        boolean close = closeClient || request != RequestPhase.COMPLETE;
        request = RequestPhase.COMPLETE;
        writeLocal(intercept.status(), intercept.page(), close);
    }

    /** The early line of {@code option logasap}, if it is due. */
    private void logAsap() {
        if (logAsapNanos != 0) {
            proxy.frontend.log().early(stream, logAsapNanos);
            logAsapNanos = 0;
        }
    }

    /**
     * Writes a piece of response, past the client pipeline's encoder (the bytes are HTTP already); the flush comes
     * when the server's read is done, so a head and its body leave in one write.
     */
    private void writeToClient(ByteBuf bytes) {
        rawOut.write(bytes, rawOut.voidPromise());
        responseUnflushed = true;
        if (ctx.channel().isWritable()) {
            serverSide.read();
        }
    }

    /** Called by {@link ServerSide} when a read of the server's connection is done. */
    void serverReadComplete() {
        logAsap();
        if (responseUnflushed) {
            responseUnflushed = false;
            rawOut.flush();
        }
    }

    private void onResponseEnd() {
        // Before the server's slot is given back: the early line still counts its session, as HAProxy's does.
        logAsap();
        response = ResponsePhase.NONE;
        Channel used = server;
        ServerState s = target;
        endTransaction();
        if (request != RequestPhase.COMPLETE) {
            // The server answered before the body ended: what is left of it cannot be framed.
            closeServer = true;
            closeClient = true;
        }
        server = null;
        target = null;
        keepOrClose(s, used);
        // One clock reading for what ends and begins here: this stream, the next one.
        long now = System.nanoTime();
        responseUnflushed = false;
        endStream(now);
        if (closeClient) {
            rawOut.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            rawOut.flush();
            newStream(now);
            awaitRequest(now);
        }
    }

    /**
     * A finished server connection: kept for the next request (this client's own with {@code http-reuse never}, as
     * HAProxy keeps a private connection with its session, or when it began with a PROXY header naming this client;
     * else the loop's pool, if the server needs it) unless either side said close. An idle connection is still
     * read: whatever it sends now, or its close, ends it before a request could be given to it.
     */
    private void keepOrClose(ServerState s, Channel used) {
        if (closeServer) {
            used.close();
            return;
        }
        if (proxy.reuse == HttpSettings.Reuse.NEVER || Dispatch.carriesProxyHeader(s)) {
            if (ownIdle != null) {
                ownIdle.close();
            }
            ownIdle = used;
            ownIdleTarget = s;
        } else if (!IdlePool.offer(s, used)) {
            used.close();
            return;
        }
        serverSide.bind(null);
        serverSide.read();
    }

    /**
     * The stats page or the exporter answers this request, as HAProxy's applets do: the connection is theirs
     * from here, and closes after their response so that later requests are forwarded on a new one.
     */
    private void handOver(RequestHead head, ChannelHandler[] applet) {
        stream.terminate(Termination.Cause.LOCAL);
        endStream(System.nanoTime());
        stream.handOver(ctx.channel());
        AppletMessages messages = new AppletMessages();
        HttpRequest copy = messages.applet(head);
        head.release();
        HttpUtil.setKeepAlive(copy, false);
        ChannelPipeline p = ctx.pipeline();
        p.addLast(messages);
        p.addLast(applet);
        ctx.fireChannelRead(copy);
        for (Object waiting; (waiting = inbox.poll()) != null; ) {
            ctx.fireChannelRead(waiting);
        }
        p.remove(this);
        ctx.channel().config().setAutoRead(true);
    }

    /** WebSocket and other upgrades: from now on bytes pass untouched both ways. */
    private void tunnel(ResponseHead head) {
        Channel client = ctx.channel();
        Channel s = server;
        ByteBuf out = head.raw();
        if (logs()) {
            stream.htxDelta(0, head.htxSize() - out.readableBytes());
        }
        head.release();
        stream.bytesOut(out.readableBytes());
        rawOut.writeAndFlush(out).addListener(f -> {
            if (!f.isSuccess()) {
                client.close();
                return;
            }
            ChannelPipeline sp = s.pipeline();
            sp.remove(ResponseParser.class);
            sp.replace(ServerSide.class, "relay", new Relay(client, stream, false, null));
            ChannelPipeline cp = client.pipeline();
            cp.remove(RequestParser.class);
            cp.remove(HttpResponseEncoder.class);
            // What the client sent after its upgrade request was decoded as HTTP: it cannot be relayed any more.
            releaseInbox();
            cp.replace(this, "relay", new Relay(s, stream, true, null));
            if (clientTimeout != null) {
                clientTimeout.suspend(false);
            }
            long tunnelMs = stream.tunnelTimeoutMs(proxy.backend.config().timeouts().tunnelMs());
            if (tunnelMs > 0) {
                tunnelTimeout(cp, tunnelMs);
                tunnelTimeout(sp, tunnelMs);
            }
            client.config().setAutoRead(true);
            s.config().setAutoRead(true);
        });
    }

    /** {@code timeout tunnel} replaces a side's client or server timeout once it is a tunnel. */
    private static void tunnelTimeout(ChannelPipeline p, long ms) {
        InactivityTimeout idle = p.get(InactivityTimeout.class);
        if (idle != null) {
            p.replace(idle, "tunnel-timeout", InactivityTimeout.of(ms));
        } else {
            p.addFirst("tunnel-timeout", InactivityTimeout.of(ms));
        }
    }

    /** {@code timeout server} struck while a response was awaited: HAProxy's 504, unless retried. */
    void serverTimedOut(Channel s) {
        if (s == server && response == ResponsePhase.AWAITED && retried("response-timeout")) {
            return;
        }
        if (s == server) {
            stream.terminate(Termination.Cause.SERVER_TIMEOUT);
        }
        serverFailed(s, 504);
    }

    /** The server connection died, timed out or broke the protocol. */
    void serverFailed(Channel s, int status) {
        if (s != server) {
            s.close();
            return;
        }
        stream.terminate(Termination.Cause.SERVER_ABORT);
        if (response == ResponsePhase.AWAITED) {
            response = ResponsePhase.NONE;
            endTransaction();
            writeLocal(status, true);
        } else if (response == ResponsePhase.FORWARDING) {
            ctx.close();
        }
        s.close();
    }

    void serverClosed(Channel closed) {
        if (closed != server) {
            return;
        }
        if (response == ResponsePhase.AWAITED && !resentAfterReuse() && !retried("empty-response")) {
            serverFailed(closed, 502);
        }
        if (server == closed) {
            server = null;
            target = null;
        }
    }

    void serverWritable() {
        if (request == RequestPhase.BODY && response != ResponsePhase.NONE) {
            readClient();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && response == ResponsePhase.FORWARDING && server != null) {
            serverSide.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void endTransaction() {
        if (dispatch != null) {
            dispatch.release();
        }
        endSession();
    }

    private void endSession() {
        if (sessionOn != null) {
            sessionOn.sessionEnded();
            IdlePool.released(sessionOn);
            sessionOn = null;
        }
    }

    // --- the proxy's own answers ---

    /** Answers the current request from the proxy, after its body (if any) is read and dropped. */
    private void respondLocally(int code) {
        respondLocally(code, null);
    }

    /** @param page the answer, or null for the proxy's page for {@code code} (an errorfile's, HAProxy's) */
    private void respondLocally(int code, FullHttpResponse page) {
        if (code >= 400) {
            request = RequestPhase.COMPLETE;
            writeLocal(code, page, true);
        } else {
            pendingLocal = code;
            pendingPage = page;
            request = RequestPhase.DISCARDING;
            readClient();
        }
    }

    /** errorfile: the backend's page first (HAProxy's rule once a backend is chosen), the frontend's, HAProxy's. */
    private FullHttpResponse proxyPage(int code) {
        BackendState backend = proxy.backend;
        SampleContext c = SampleContext.of(stream, null, proxy.switching::backend);
        FullHttpResponse page = backend == null ? null : ErrorPages.of(backend.config().http(), code, c);
        if (page == null) {
            page = ErrorPages.of(proxy.frontend.config().http(), code, c);
        }
        return page != null ? page : HttpErrors.response(code, ctx.alloc());
    }

    private void writeLocal(int code, boolean close) {
        writeLocal(code, null, close);
    }

    private void writeLocal(int code, FullHttpResponse answer, boolean close) {
        stream.answered(code);
        if (code == 200) {
            stream.terminate(Termination.Cause.LOCAL);
        }
        long now = System.nanoTime();
        response = ResponsePhase.NONE;
        clientExpected();
        FullHttpResponse page = answer != null ? answer : proxyPage(code);
        // HAProxy runs them on its answers to a request it read; its H1 mux answers the others (408, 400) itself.
        ResponseRules after = stream.backend() != null ? proxy.afterResponse : proxy.frontendAfterResponse;
        if (!after.isEmpty() && stream.requestMillis() >= 0) {
            EditableResponse edited = EditableResponse.of(page);
            after.run(edited, SampleContext.of(stream, null, proxy.switching::backend).with(edited));
            stream.answered(edited.status());
        }
        // The logged size is the page's before the Connection line below, as HAProxy's (it adds none).
        long htx = logs() && stream.method() != null ? HtxSize.page(page) : 0;
        HttpHeaders headers = page.headers();
        if (close) {
            if (!headers.contains(HttpHeaderNames.CONNECTION)) {
                headers.add(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        } else {
            headers.remove(HttpHeaderNames.CONNECTION);
            if (!clientHttp11) {
                // An HTTP/1.0 client kept alive must be told so (the page itself is HTTP/1.1).
                headers.add(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }
        // The page's bytes count in bout, as HAProxy counts its answers to a request it read; its H1 mux answers a
        // head that never came whole or could not be read (408, 400) outside any stream: not counted.
        long wire = stream.requestMillis() >= 0 ? HttpErrors.wireSize(page) : 0;
        stream.bytesOut(wire);
        if (logs()) {
            // HAProxy logs its answer to a request it read at its HTX size; the answer to a head that never came
            // whole or could not be read (408, 400) is its connection's, outside any message: 0.
            stream.htxDelta(0, htx - wire);
        }
        endStream(now);
        if (close) {
            ctx.writeAndFlush(page).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(page);
            newStream(now);
            awaitRequest(now);
        }
    }

    private void releaseInbox() {
        for (Object waiting; (waiting = inbox.poll()) != null; ) {
            ReferenceCountUtil.release(waiting);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            stream.terminate(Termination.Cause.CLIENT_TIMEOUT);
            ctx.close();
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // Client channels allow half-closure (for TCP relays). In HTTP a client's FIN means no more requests:
            // the one in progress is answered, then the connection closes, instead of lingering until timeout
            // client (wrk's closed connections stayed open 120 s and slowed everything after them).
            clientFinished = true;
            if (awaitingHead()) {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: client {}: {}", proxy.frontend.name(), stream.clientAddress(), cause.toString());
        stream.terminate(Termination.Cause.CLIENT_ABORT);
        ctx.close();
    }
}
