package dev.bascule.core.http;

import dev.bascule.config.model.HttpSettings;
import dev.bascule.config.model.HttpSettings.ConnectionMode;
import dev.bascule.core.BackendState;
import dev.bascule.core.Dispatch;
import dev.bascule.core.FrontendState;
import dev.bascule.core.InactivityTimeout;
import dev.bascule.core.ServerState;
import dev.bascule.core.Transport;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The client side of an HTTP-mode connection: one transaction at a time (pipelined requests wait in its
 * {@link #inbox}), each request balanced on its own through {@link Dispatch}, heads and bodies forwarded in the
 * bytes they came in ({@link RequestParser}, {@link ResponseParser}) with explicit reads so neither side outruns
 * the other. The server connection of a
 * finished transaction stays open and is reused when the next request goes to the same server, unless the
 * connection mode or either side says close. A {@code 101 Switching Protocols} turns both into a TCP relay.
 */
public final class HttpFrontendHandler extends ChannelInboundHandlerAdapter implements Dispatch.Outcome {
    private static final Logger log = LoggerFactory.getLogger(HttpFrontendHandler.class);
    /** HAProxy's {@code tune.bufsize}: a request line or header block must fit in it. */
    static final int BUFSIZE = 16384;
    /** HAProxy's {@code tune.http.maxhdr}: more header lines than this in a request is a 400. */
    static final int MAXHDR = 101;

    private final FrontendState frontend;
    private final BackendState backend;
    private final Transport transport;
    private final Function<String, ChannelHandler[]> claim;
    private final ConnectionMode mode;
    private final HttpSettings.AddressHeader forwardFor;
    private final HttpSettings.AddressHeader originalTo;
    private ChannelHandlerContext ctx;
    /** Where response bytes are written: after the client pipeline's encoder, which only local responses use. */
    private ChannelHandlerContext rawOut;
    private boolean responseUnflushed;
    private Dispatch dispatch;
    /** The backend's {@code cookie} persistence, or null. */
    private final CookiePersistence cookies;

    private Channel server;
    /** The handler at the end of {@link #server}'s pipeline (looked up once, not per read). */
    private ServerSide serverSide;
    private ServerState target;
    /** The request waiting for its server connection. */
    private RequestHead pending;
    /**
     * The head of a bodiless request, kept while {@code retry-on} may send it again (HAProxy's L7 retries), and
     * the retries left for it.
     */
    private RequestHead replay;
    private int replaysLeft;
    /** The pending request is a replay: its (empty) body was sent already. */
    private boolean replaying;
    private boolean requestComplete;
    /** Between a request head and the end of its body, as the client sends them. */
    private boolean requestInBody;
    private boolean discardingBody;
    private boolean awaitingResponse;
    private boolean responseStarted;
    private boolean closeClient;
    private boolean closeServer;
    /** The request in progress is HTTP/1.1 (an HTTP/1.0 client kept alive is told so in every response). */
    private boolean clientHttp11;
    /** The server this transaction counts a session on, until the response ends. */
    private ServerState sessionOn;
    /** A status answered by the proxy itself once the request body (if any) has been read. */
    private int pendingLocal;
    private boolean clientReadWanted;
    /**
     * Messages decoded before they were asked for: pipelined requests, or body that came with its head while the
     * server connection is not up yet. Netty's FlowControlHandler did this for every message (6% of the HTTP path
     * in profiles); here only messages that must wait pay for it.
     */
    private final ArrayDeque<Object> inbox = new ArrayDeque<>(2);
    /** Between requests: waiting for the next request head, and whether any of its bytes came yet. */
    private boolean awaitingHead;
    private boolean headStarted;
    private boolean firstRequestDone;
    /** The client half-closed: the request in progress (and any already received) is the last. */
    private boolean clientFinished;
    /**
     * One timer per connection, not one per request: requests move {@code headDeadline} and the timer, when it
     * fires early, sleeps again until the deadline (scheduling and cancelling per request showed in profiles).
     */
    private ScheduledFuture<?> headTimer;
    private long headTimerAt;
    private long headDeadline;

    public HttpFrontendHandler(FrontendState frontend, BackendState backend, Transport transport,
                               Function<String, ChannelHandler[]> claim) {
        this.claim = claim;
        this.frontend = frontend;
        this.backend = backend;
        this.transport = transport;
        HttpSettings f = frontend.config().http();
        HttpSettings b = backend == null ? HttpSettings.NONE : backend.config().http();
        this.mode = f.connection().strictest(b.connection());
        this.forwardFor = b.forwardFor() != null ? b.forwardFor() : f.forwardFor();
        this.originalTo = b.originalTo() != null ? b.originalTo() : f.originalTo();
        this.cookies = backend == null || backend.config().cookie() == null ? null
                : new CookiePersistence(backend.config().cookie(), backend.servers(),
                () -> System.currentTimeMillis() / 1000);
    }

    /** Reads what the handlers of a frontend and its backend will need from disk; called while starting. */
    public static void prepare(FrontendState frontend, BackendState backend) {
        ErrorPages.preload(frontend.config().http());
        if (backend != null) {
            ErrorPages.preload(backend.config().http());
        }
    }

    /**
     * The client pipeline: {@link RequestParser} (heads and bodies as they came), Netty's response encoder for
     * the proxy's own answers (forwarded responses go past it, see {@link #rawOut}), then this handler.
     *
     * @param claim the applet handlers answering a request URI locally (stats page, exporter), or null
     */
    public static void install(Channel ch, FrontendState frontend, BackendState backend, Transport transport,
                               Function<String, ChannelHandler[]> claim) {
        HttpFrontendHandler handler = new HttpFrontendHandler(frontend, backend, transport, claim);
        ch.pipeline().addLast(new RequestParser(BUFSIZE, handler::bytesArrived), new HttpResponseEncoder(), handler);
    }

    /**
     * Waits for the next request head under HAProxy's timers: {@code timeout http-request} for the first
     * request and for a head that has begun, {@code timeout http-keep-alive} while a kept-alive client is
     * silent. On expiry a started or first head gets 408; a silent kept-alive connection is just closed.
     */
    private void awaitRequest() {
        awaitingHead = true;
        headStarted = false;
        var t = frontend.config().timeouts();
        armHeadTimer(firstRequestDone ? t.effectiveHttpKeepAliveMs() : t.effectiveHttpRequestMs());
        readClient();
        if (clientFinished && awaitingHead) {
            // The client sent its FIN and no request of its was waiting: nothing more can come.
            ctx.close();
        }
    }

    private void armHeadTimer(long ms) {
        if (ms <= 0) {
            headDeadline = 0;
            return;
        }
        headDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        if (headTimer != null && headTimerAt - headDeadline > 0) {
            // The pending timer would fire after this shorter deadline.
            headTimer.cancel(false);
            headTimer = null;
        }
        if (headTimer == null) {
            scheduleHeadTimer(headDeadline - System.nanoTime());
        }
    }

    private void scheduleHeadTimer(long nanos) {
        headTimerAt = System.nanoTime() + nanos;
        headTimer = ctx.executor().schedule(this::headTimerFired, nanos, TimeUnit.NANOSECONDS);
    }

    private void headTimerFired() {
        headTimer = null;
        if (!awaitingHead || headDeadline == 0 || !ctx.channel().isActive()) {
            return;
        }
        long left = headDeadline - System.nanoTime();
        if (left > 0) {
            scheduleHeadTimer(left);
            return;
        }
        awaitingHead = false;
        if (headStarted || !firstRequestDone) {
            writeLocal(408, true);
        } else {
            ctx.close();
        }
    }

    private void bytesArrived() {
        if (awaitingHead && !headStarted) {
            headStarted = true;
            if (firstRequestDone) {
                armHeadTimer(frontend.config().timeouts().effectiveHttpRequestMs());
            }
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.rawOut = ctx.pipeline().context(RequestParser.class);
        long accepted = System.nanoTime();
        if (backend != null) {
            dispatch = new Dispatch(ctx.channel(), backend, transport, this);
        }
        ctx.channel().closeFuture().addListener(f -> {
            if (headTimer != null) {
                // A closed connection must not stay referenced by the timer queue until its timeout.
                headTimer.cancel(false);
            }
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
            if (backend != null) {
                backend.timings().ended(System.nanoTime() - accepted);
            }
        });
        awaitRequest();
    }

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

    private void readServer() {
        serverSide.read();
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
            inbox.add(msg);
            return;
        }
        clientReadWanted = false;
        handle(msg);
    }

    private void handle(Object msg) {
        if (msg instanceof RequestHead head) {
            requestInBody = true;
            onRequest(head);
        } else if (msg instanceof MessageFramer.Invalid invalid) {
            onInvalid(invalid);
        } else {
            if (msg == MessageFramer.END) {
                requestInBody = false;
            }
            onRequestBody(msg);
        }
    }

    /**
     * A request head came, valid or not: it is counted and its timer stops.
     *
     * @return whether it may take an idle server connection (HAProxy's http-reuse safe: only requests after a
     * connection's first)
     */
    private boolean headArrived() {
        frontend.http().request();
        awaitingHead = false;
        headDeadline = 0;
        boolean mayReuse = firstRequestDone;
        firstRequestDone = true;
        return mayReuse;
    }

    private void onRequest(RequestHead request) {
        boolean mayReuse = headArrived();
        dropReplay();
        clientHttp11 = request.protocolVersion() == HttpVersion.HTTP_1_1;
        closeClient = !request.keepAlive || mode == ConnectionMode.CLOSE;
        String monitor = frontend.config().http().monitorUri();
        if (monitor != null && monitor.equals(pathOf(request.uri()))) {
            request.release();
            respondLocally(200);
            return;
        }
        ChannelHandler[] applet = claim == null ? null : claim.apply(request.uri());
        if (applet != null) {
            handOver(request, applet);
            return;
        }
        if (dispatch == null) {
            request.release();
            respondLocally(503);
            return;
        }
        closeServer = closeClient || mode != ConnectionMode.KEEP_ALIVE;
        pending = request;
        requestComplete = false;
        awaitingResponse = true;
        responseStarted = false;
        replaying = false;
        if (backend.retriesOnResponses() && !request.hasBody()) {
            replay = request;
            replay.retain();
        }
        replaysLeft = backend.config().retries();
        backend.http().request();
        ServerState persistent = cookies == null ? null : cookies.requestArrived(request);
        dispatch.start(mayReuse ? IdlePool::take : s -> null, request, persistent);
    }

    /** A request that cannot be framed: HAProxy's status for it, and the connection closes. */
    private void onInvalid(MessageFramer.Invalid invalid) {
        log.debug("{}: invalid request from {}: {}", frontend.name(), ctx.channel().remoteAddress(),
                invalid.reason());
        if (!requestInBody) {
            headArrived();
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
        boolean last = piece == MessageFramer.END;
        if (discardingBody) {
            ReferenceCountUtil.release(piece);
            if (last) {
                discardingBody = false;
                int code = pendingLocal;
                pendingLocal = 0;
                writeLocal(code, closeClient);
            } else {
                readClient();
            }
            return;
        }
        if (server == null || !server.isActive()) {
            ReferenceCountUtil.release(piece);
            return;
        }
        if (last) {
            requestComplete = true;
            server.flush();
            return;
        }
        ByteBuf body = (ByteBuf) piece;
        frontend.bytesIn(body.readableBytes());
        target.transferred(body.readableBytes(), 0);
        server.writeAndFlush(body, server.voidPromise());
        if (server.isWritable()) {
            readClient();
        }
    }

    private void dropReplay() {
        if (replay != null) {
            replay.release();
            replay = null;
        }
    }

    @Override
    public void connected(Channel serverChannel, ServerState s, boolean reused) {
        if (reused) {
            // ServerSide ends the pipeline: last() is one step, a lookup by class walks it on every request.
            serverSide = (ServerSide) serverChannel.pipeline().last();
            serverSide.bind(this);
        } else {
            ChannelPipeline p = serverChannel.pipeline();
            InactivityTimeout idle = InactivityTimeout.of(backend.config().timeouts().serverMs());
            if (idle != null) {
                p.addLast(idle);
            }
            ResponseParser parser = new ResponseParser(BUFSIZE);
            serverSide = new ServerSide(s, this, parser);
            p.addLast(parser, serverSide);
            s.track(serverChannel);
        }
        server = serverChannel;
        target = s;
        s.sessionStarted();
        sessionOn = s;
        RequestHead request = pending;
        pending = null;
        serverSide.sending(request);
        ByteBuf head = request.toServer(ctx.alloc(), forwardFor, ctx.channel().remoteAddress(), originalTo,
                ctx.channel().localAddress(), closeServer);
        boolean expectContinue = request.expectContinue;
        request.release();
        // A head goes out with the first piece of body (one write instead of two), unless the client waits
        // for 100 Continue before sending that body.
        if (replaying) {
            server.writeAndFlush(head, server.voidPromise());
            requestComplete = true;
            readServer();
            return;
        }
        if (expectContinue) {
            server.writeAndFlush(head, server.voidPromise());
        } else {
            server.write(head, server.voidPromise());
        }
        readServer();
        readClient();
    }

    /**
     * {@code retry-on}: sends the kept request again when the server failed it in a way the backend retries,
     * before any of its response went to the client; to the same server, or to another one with
     * {@code option redispatch}.
     *
     * @param condition the {@code retry-on} keyword that describes the failure
     */
    private boolean retried(String condition) {
        if (replay == null || responseStarted || !requestComplete || replaysLeft <= 0
                || !backend.config().retryOn().contains(condition)) {
            return false;
        }
        replaysLeft--;
        Channel failed = server;
        ServerState failedOn = target;
        endTransaction();
        server = null;
        target = null;
        failed.close();
        failedOn.retried();
        log.debug("{}: {} from server {}, sending the request again", backend.name(), condition, failedOn.id());
        pending = replay;
        replay.retain();
        replaying = true;
        requestComplete = false;
        boolean redispatch = backend.config().redispatchInterval() != 0;
        dispatch.start(s -> null, replay, redispatch ? null : failedOn);
        return true;
    }

    @Override
    public void failed(String reason) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        awaitingResponse = false;
        respondLocally(503);
    }

    /**
     * Called by {@link ServerSide} for each message of {@link ResponseParser}: a head, a piece of body (or of a
     * tunnel), the end of the body, or a response that cannot be framed.
     */
    void onResponse(Channel from, Object msg) {
        if (from != server || !awaitingResponse) {
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
            log.debug("{}: invalid response from {}: {}", backend.name(), target.id(), invalid.reason());
            if (!retried("junk-response")) {
                serverFailed(from, 502);
            }
        } else {
            ByteBuf body = (ByteBuf) msg;
            frontend.bytesOut(body.readableBytes());
            target.transferred(0, body.readableBytes());
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
            frontend.http().response(code);
            backend.http().response(code);
            target.http().response(code);
        }
        if (code == 101) {
            tunnel(head);
            return;
        }
        if (head.interim()) {
            writeToClient(head.raw());
            head.release();
            return;
        }
        responseStarted = true;
        boolean delimitedByClose = head.closeDelimited();
        if (!head.keepAlive || delimitedByClose) {
            closeServer = true;
            closeClient |= delimitedByClose;
        }
        ServerState s = target;
        ByteBuf out = head.toClient(ctx.alloc(), !closeClient, clientHttp11,
                cookies == null ? null : response -> cookies.responseArrived(response, s));
        head.release();
        writeToClient(out);
    }

    /**
     * Writes a piece of response, past the client pipeline's encoder (the bytes are HTTP already); the flush comes
     * when the server's read is done, so a head and its body leave in one write.
     */
    private void writeToClient(ByteBuf bytes) {
        rawOut.write(bytes, rawOut.voidPromise());
        responseUnflushed = true;
        if (ctx.channel().isWritable()) {
            readServer();
        }
    }

    /** Called by {@link ServerSide} when a read of the server's connection is done. */
    void serverReadComplete() {
        if (responseUnflushed) {
            responseUnflushed = false;
            rawOut.flush();
        }
    }

    private void onResponseEnd() {
        awaitingResponse = false;
        Channel used = server;
        ServerState s = target;
        endTransaction();
        if (!requestComplete) {
            // The server answered before the body ended: what is left of it cannot be framed.
            closeServer = true;
            closeClient = true;
        }
        server = null;
        target = null;
        if (closeServer || !IdlePool.offer(s, used)) {
            used.close();
        } else {
            // An idle server connection is still read: whatever it sends now, or its close, ends it
            // before a request could be given to it.
            serverSide.bind(null);
            serverSide.read();
        }
        responseUnflushed = false;
        if (closeClient) {
            rawOut.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            rawOut.flush();
            awaitRequest();
        }
    }

    /**
     * The stats page or the exporter answers this request, as HAProxy's applets do: the connection is theirs
     * from here, and closes after their response so that later requests are forwarded on a new one.
     */
    private void handOver(RequestHead head, ChannelHandler[] applet) {
        AppletMessages messages = new AppletMessages();
        HttpRequest request = messages.applet(head);
        head.release();
        HttpUtil.setKeepAlive(request, false);
        ChannelPipeline p = ctx.pipeline();
        p.addLast(messages);
        p.addLast(applet);
        ctx.fireChannelRead(request);
        for (Object waiting; (waiting = inbox.poll()) != null; ) {
            ctx.fireChannelRead(waiting);
        }
        p.remove(this);
        ctx.channel().config().setAutoRead(true);
    }

    /** WebSocket and other upgrades: from now on bytes pass untouched both ways. */
    private void tunnel(ResponseHead response) {
        Channel client = ctx.channel();
        Channel s = server;
        ServerState t = target;
        ByteBuf head = response.raw();
        response.release();
        rawOut.writeAndFlush(head).addListener(f -> {
            if (!f.isSuccess()) {
                client.close();
                return;
            }
            ChannelPipeline sp = s.pipeline();
            sp.remove(ResponseParser.class);
            sp.replace(ServerSide.class, "relay", new Relay(client, n -> {
                frontend.bytesOut(n);
                t.transferred(0, n);
            }, null));
            ChannelPipeline cp = client.pipeline();
            cp.remove(RequestParser.class);
            cp.remove(HttpResponseEncoder.class);
            // What the client sent after its upgrade request was decoded as HTTP: it cannot be relayed any more.
            releaseInbox();
            cp.replace(this, "relay", new Relay(s, n -> {
                frontend.bytesIn(n);
                t.transferred(n, 0);
            }, null));
            long tunnelMs = backend.config().timeouts().tunnelMs();
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
        if (s == server && awaitingResponse && retried("response-timeout")) {
            return;
        }
        serverFailed(s, 504);
    }

    /** The server connection died, timed out or broke the protocol. */
    void serverFailed(Channel s, int status) {
        if (s != server) {
            s.close();
            return;
        }
        if (awaitingResponse && !responseStarted) {
            awaitingResponse = false;
            endTransaction();
            writeLocal(status, true);
        } else if (awaitingResponse) {
            ctx.close();
        }
        s.close();
    }

    void serverClosed(Channel closed) {
        if (closed != server) {
            return;
        }
        if (awaitingResponse && !retried("empty-response")) {
            serverFailed(closed, 502);
        }
        if (server == closed) {
            server = null;
            target = null;
        }
    }

    void serverWritable() {
        if (!requestComplete && awaitingResponse) {
            readClient();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && responseStarted && awaitingResponse && server != null) {
            readServer();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void endTransaction() {
        if (dispatch != null) {
            dispatch.release();
        }
        if (sessionOn != null) {
            sessionOn.sessionEnded();
            sessionOn = null;
        }
    }

    /** Answers the current request from the proxy, after its body (if any) is read and dropped. */
    private void respondLocally(int code) {
        if (code >= 400) {
            writeLocal(code, true);
        } else {
            pendingLocal = code;
            discardingBody = true;
            readClient();
        }
    }

    private void writeLocal(int code, boolean close) {
        frontend.http().response(code);
        // errorfile: the backend's page first (HAProxy's rule once a backend is chosen), then the frontend's.
        FullHttpResponse response = backend == null ? null : ErrorPages.of(backend.config().http(), code);
        if (response == null) {
            response = ErrorPages.of(frontend.config().http(), code);
        }
        if (response == null) {
            response = HttpErrors.response(code, ctx.alloc());
        }
        HttpUtil.setKeepAlive(response, !close);
        if (!close && !clientHttp11) {
            // An HTTP/1.0 client kept alive must be told so (the page itself is HTTP/1.1).
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (close) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
            awaitRequest();
        }
    }

    private void releaseInbox() {
        for (Object waiting; (waiting = inbox.poll()) != null; ) {
            ReferenceCountUtil.release(waiting);
        }
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // Client channels allow half-closure (for TCP relays). In HTTP a client's FIN means no more requests:
            // the one in progress is answered, then the connection closes, instead of lingering until timeout
            // client (wrk's closed connections stayed open 120 s and slowed everything after them).
            clientFinished = true;
            if (awaitingHead) {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: client {}: {}", frontend.name(), ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
