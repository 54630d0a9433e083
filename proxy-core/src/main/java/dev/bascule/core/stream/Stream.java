package dev.bascule.core.stream;

import dev.bascule.config.sample.VarName;
import dev.bascule.core.BackendState;
import dev.bascule.core.FrontendState;
import dev.bascule.core.ServerState;
import dev.bascule.core.proxyprotocol.ProxyHeader;
import dev.bascule.core.sample.Vars;
import dev.bascule.core.tls.TlsSession;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One transaction: an HTTP request and its response, or a whole TCP session (HAProxy's stream and txn). It
 * carries what a log line, a rule or the stats need to know of it: who the client is (the one place its address
 * is read from), the frontend, the backend chosen for this request, the server, when each phase began, the bytes
 * both ways, retries, and why it ended. Filled phase by phase on its connection's event loop, never shared.
 *
 * <p>Its {@link State} moves forward only; the phase a termination is recorded in comes from it.
 */
public final class Stream {
    /** Where a stream is; each maps onto the phase letter of a termination in it. */
    public enum State {
        /** Waiting for the request (its head; in TCP mode, for a server to be chosen). */
        REQUEST(Termination.Phase.REQUEST),
        /** {@code http-request tarpit} holds the request before its answer. */
        TARPITTED(Termination.Phase.TARPIT),
        QUEUED(Termination.Phase.QUEUE),
        CONNECTING(Termination.Phase.CONNECT),
        /** The request went to the server; its response head is awaited. */
        WAITING_RESPONSE(Termination.Phase.HEADERS),
        /** The response (or a tunnel, or a TCP session) is being relayed. */
        DATA(Termination.Phase.DATA),
        ENDED(Termination.Phase.NONE);

        final Termination.Phase phase;

        State(Termination.Phase phase) {
            this.phase = phase;
        }
    }

    /** The stream an applet's connection was handed over with. */
    private static final AttributeKey<Stream> HANDED_OVER = AttributeKey.valueOf("bascule.stream");
    /** The {@code name} of the bind line a client connection came in on, kept on the connection for its streams. */
    private static final AttributeKey<String> LISTENER_NAME = AttributeKey.valueOf("bascule.listener-name");
    /** HAProxy's request counter ({@code %rt}), one for the process. */
    private static final AtomicLong REQUESTS = new AtomicLong();

    private final FrontendState frontend;
    private final SocketAddress client;
    private final SocketAddress local;
    private final long startNanos;
    private State state = State.REQUEST;
    private BackendState backend;
    private ServerState server;
    private long requestNanos;
    private long headNanos;
    private long queuedNanos;
    private long queueEndNanos;
    private long connectNanos;
    private long connectedNanos;
    private long responseNanos;
    private long endNanos;
    private long bytesIn;
    private long bytesOut;
    /**
     * How far the sizes HAProxy 2.6 logs ({@code %U}, {@code %B}: its internal form of the messages, HTX) are from
     * the bytes on the wire; worked out only for a frontend that logs.
     */
    private long htxInDelta;
    private long htxOutDelta;
    private int retries;
    private boolean redispatched;
    private int status;
    private Termination termination;
    /** The request line's parts, kept only for a frontend that logs: null until a valid head came. */
    private String method;
    private String uri;
    private String version;
    private String[] requestCaptures;
    private String[] responseCaptures;
    /** {@code capture cookie}'s {@code name=value} from the request and from the response ({@code %CC}, {@code %CS}). */
    private String requestCookie;
    private String responseCookie;
    /** {@code %tsc}'s persistence cookie letters, {@code --} for a backend without {@code cookie}. */
    private char requestCookieState = '-';
    private char responseCookieState = '-';
    /** The local address of the server connection ({@code %bi}, {@code %bp}), or null before one. */
    private SocketAddress serverSource;
    /** Its place in its server's and its backend's queue (%sq, %bq): 1 + how many were served before it left. */
    private int serverQueuePosition;
    private int backendQueuePosition;
    /** {@code %rt}, taken when first asked (a log line or a unique id: most streams never need one); or -1. */
    private long requestId = -1;
    /** {@code unique-id-format}'s id, once made. */
    private String uniqueId;
    /** Answered to a {@code monitor-uri}: HAProxy logs no line for it. */
    private boolean unlogged;
    /** {@code option logasap}: the moment its line was written, before its end (0 until then). */
    private long loggedNanos;
    /** {@code set-log-level}'s syslog level for this stream's line, or -1 when no rule set one. */
    private int logLevel = -1;
    private long serverTimeoutMs = -1;
    private long tunnelTimeoutMs = -1;
    /** The client connection's TLS session, or null for a plain connection. */
    private TlsSession tls;
    /** The PROXY protocol header its client connection began with, or null. */
    private ProxyHeader proxyHeader;
    /** Its variables ({@code txn.}), made when one is first set. */
    private Vars txnVars;
    /**
     * Its request's or, once the request went to a server, its response's variables ({@code req.}, {@code res.}):
     * one set, as HAProxy's {@code vars_reqres}, emptied when the scope changes.
     */
    private Vars reqresVars;
    private VarName.Scope reqresScope = VarName.Scope.REQ;
    /** Its client connection's variables ({@code sess.}), or null. */
    private Vars sessionVars;
    private String listenerName;

    /**
     * @param client     the client's address (today the socket's peer; later a PROXY header's)
     * @param local      the address the client reached
     * @param startNanos the connection's accept, or for a kept-alive connection's later requests the end of the
     *                   previous one (what HAProxy measures {@code %Ti} and {@code %Tt} from)
     */
    public Stream(FrontendState frontend, SocketAddress client, SocketAddress local, long startNanos) {
        this.frontend = frontend;
        this.client = client;
        this.local = local;
        this.startNanos = startNanos;
    }

    /** The client connection's TLS session (what {@code ssl_fc*} and {@code %sslv} read), set at the stream's start. */
    public void tls(TlsSession t) {
        tls = t;
    }

    public TlsSession tls() {
        return tls;
    }

    /** The PROXY protocol header the client connection began with ({@code fc_pp_*}), set at the stream's start. */
    public void proxyHeader(ProxyHeader h) {
        proxyHeader = h;
    }

    public ProxyHeader proxyHeader() {
        return proxyHeader;
    }

    /** The client connection's variables ({@code sess.}), shared by its transactions; given at the stream's start. */
    public void session(Vars vars) {
        sessionVars = vars;
    }

    /**
     * The variables of a scope this stream has ({@code proc.} is the frontend's to give), or null: none set yet and
     * not {@code create}, or {@code req.} once the response is processed and {@code res.} before.
     */
    public Vars vars(VarName.Scope scope, boolean create) {
        return switch (scope) {
            case SESS -> sessionVars;
            case TXN -> txnVars == null && create ? (txnVars = Vars.local()) : txnVars;
            case REQ, RES -> scope != reqresScope ? null
                    : reqresVars == null && create ? (reqresVars = Vars.local()) : reqresVars;
            case PROC -> null;
        };
    }

    /** The request goes to a server: its {@code req.} variables end and the response's begin, as in HAProxy. */
    public void responding() {
        reqresScope = VarName.Scope.RES;
        reqresVars = null;
    }

    /** Records on an accepted connection the {@code name} of its bind line (null: none), for its streams' {@code so_name}. */
    public static void acceptedOn(Channel client, String bindName) {
        if (bindName != null) {
            client.attr(LISTENER_NAME).set(bindName);
        }
    }

    /** Takes the bind line's name its client connection was accepted with ({@link #acceptedOn}), at the stream's start. */
    public void listenerOf(Channel client) {
        listenerName = listenerNameOf(client);
    }

    /** The bind line's name a client connection was accepted with, or null. */
    public static String listenerNameOf(Channel client) {
        return client.hasAttr(LISTENER_NAME) ? client.attr(LISTENER_NAME).get() : null;
    }

    /** The {@code name} of the bind line the client came in on, or null. */
    public String listenerName() {
        return listenerName;
    }

    // --- phases, in the order they happen ---

    /** The first byte of the request came (the end of {@code %Ti}, the start of {@code %TR}). */
    public void requestStarted(long nanos) {
        if (requestNanos == 0) {
            requestNanos = nanos;
        }
    }

    /** The whole request head came. */
    public void headReceived(long nanos) {
        requestStarted(nanos);
        headNanos = nanos;
    }

    /** {@code http-request tarpit}: the request is held, then answered; a termination now is in phase T. */
    public void tarpitted() {
        state = State.TARPITTED;
    }

    /** The backend this request goes to (per request in HTTP mode: rules may choose another one). */
    public void backend(BackendState b) {
        if (b != backend && b != null) {
            b.streamAssigned();
        }
        backend = b;
    }

    public void queued() {
        if (queuedNanos == 0) {
            queuedNanos = System.nanoTime();
        }
        state = State.QUEUED;
    }

    /** A server slot is held: the end of the queue, if there was one. */
    public void assigned(ServerState s) {
        server = s;
        if (queuedNanos != 0 && queueEndNanos == 0) {
            queueEndNanos = System.nanoTime();
        }
    }

    public void connecting() {
        if (connectNanos == 0) {
            connectNanos = System.nanoTime();
        }
        state = State.CONNECTING;
    }

    /**
     * Connected (or given an idle connection): the request goes out and its response is awaited.
     *
     * @param source the connection's local address
     */
    public void connected(ServerState s, SocketAddress source) {
        assigned(s);
        serverSource = source;
        long now = System.nanoTime();
        if (connectNanos == 0) {
            connectNanos = now;
        }
        connectedNanos = now;
        state = State.WAITING_RESPONSE;
    }

    /** The response head came, at {@code nanos}. */
    public void responseStarted(int status, long nanos) {
        this.status = status;
        responseNanos = nanos;
        state = State.DATA;
    }

    /** A TCP session's server is connected: from now on data moves both ways. */
    public void relaying() {
        state = State.DATA;
    }

    /** A status the proxy answered with itself. */
    public void answered(int status) {
        this.status = status;
    }

    /** The request line, for the log ({@code %r}, {@code %HM}, {@code %HU}, {@code %HV}). */
    public void requestLine(String method, String uri, String version) {
        this.method = method;
        this.uri = uri;
        this.version = version;
    }

    /** The values {@code capture request header} took, in their lines' order (null for a header not sent). */
    public void requestCaptures(String[] values) {
        requestCaptures = values;
    }

    /** A rule's capture into its slot among the frontend's request captures ({@code tcp-request content capture}). */
    public void requestCapture(int slot, String value) {
        if (requestCaptures == null) {
            requestCaptures = new String[frontend.config().log().requestCaptures().size()];
        }
        requestCaptures[slot] = value;
    }

    public void responseCaptures(String[] values) {
        responseCaptures = values;
    }

    /** What {@code capture cookie} took from the request, or null. */
    public void requestCookie(String nameValue) {
        requestCookie = nameValue;
    }

    public void responseCookie(String nameValue) {
        responseCookie = nameValue;
    }

    /** What the backend's persistence cookie did for this transaction: {@code %tsc}'s third and fourth letters. */
    public void persistence(char request, char response) {
        requestCookieState = request;
        responseCookieState = response;
    }

    /** It left a queue at {@code position} (added up, as HAProxy does, if it waited in the same kind twice). */
    public void queuePosition(boolean serverQueue, int position) {
        if (serverQueue) {
            serverQueuePosition += position;
        } else {
            backendQueuePosition += position;
        }
    }

    public void uniqueId(String id) {
        uniqueId = id;
    }

    public void notLogged() {
        unlogged = true;
    }

    public boolean unlogged() {
        return unlogged;
    }

    /**
     * {@code option logasap}: its line is written now, about the stream up to {@code nanos} (the response head, or
     * the server's connection in TCP mode: HAProxy's end date for such a line), and not again at its end.
     */
    public void loggedEarly(long nanos) {
        loggedNanos = nanos;
    }

    public boolean wasLoggedEarly() {
        return loggedNanos != 0;
    }

    /**
     * {@code http-request set-log-level LEVEL}: the line is sent at {@code level} (a syslog level, 0 for emerg to
     * 7 for debug) whatever the frontend would choose; the last rule to run wins, over a {@code silent} before it
     * too. {@code silent} is {@link #notLogged()}.
     */
    public void logLevel(int level) {
        if (level < 0 || level > 7) {
            throw new IllegalArgumentException("syslog level " + level);
        }
        logLevel = level;
        unlogged = false;
    }

    /** {@code http-request set-timeout server|tunnel}: this stream's own, in milliseconds (-1: the backend's). */
    public void serverTimeout(long ms) {
        serverTimeoutMs = ms;
    }

    public void tunnelTimeout(long ms) {
        tunnelTimeoutMs = ms;
    }

    /** The {@code timeout server} this stream runs under: a rule's, else {@code backendMs}. */
    public long serverTimeoutMs(long backendMs) {
        return serverTimeoutMs >= 0 ? serverTimeoutMs : backendMs;
    }

    public long tunnelTimeoutMs(long backendMs) {
        return tunnelTimeoutMs >= 0 ? tunnelTimeoutMs : backendMs;
    }

    /** The level a rule set for the line, or -1 when none did. */
    public int logLevel() {
        return logLevel;
    }

    public void retried() {
        retries++;
    }

    public void redispatched() {
        redispatched = true;
    }

    /** Bytes from the client, counted on the frontend and the server too (one place for all three). */
    public void bytesIn(long n) {
        bytesIn += n;
        frontend.bytesIn(n);
        if (server != null) {
            server.bytesIn(n);
        }
    }

    /** Bytes to the client. */
    public void bytesOut(long n) {
        bytesOut += n;
        frontend.bytesOut(n);
        if (server != null) {
            server.bytesOut(n);
        }
    }

    /** Adds to how far the logged sizes are from the bytes (see {@link #loggedBytesIn()}). */
    public void htxDelta(long in, long out) {
        htxInDelta += in;
        htxOutDelta += out;
    }

    /** Records why the stream is ending, in the phase it is in; the first cause given is kept. */
    public void terminate(Termination.Cause cause) {
        if (termination == null && state != State.ENDED) {
            termination = new Termination(cause, state.phase);
        }
    }

    /** Ends the stream once: its time is taken and the frontend is told. */
    public void end() {
        end(System.nanoTime());
    }

    /** As {@link #end()}, at a clock reading the caller took already. */
    public void end(long nanos) {
        if (state == State.ENDED) {
            return;
        }
        if (termination == null) {
            termination = Termination.NORMAL;
        }
        endNanos = nanos;
        state = State.ENDED;
        frontend.streamEnded(this);
    }

    /** Leaves this stream on {@code ch} for the applet the connection is handed to (see {@link #clientOf}). */
    public void handOver(Channel ch) {
        ch.attr(HANDED_OVER).set(this);
    }

    /**
     * The client address of an applet's connection (the stats admin check reads it): the handed-over stream's,
     * else, on a frontend that only serves the applet, the
     * connection's client (a received PROXY header's, or the socket's peer).
     */
    public static SocketAddress clientOf(Channel ch) {
        Stream s = ch.attr(HANDED_OVER).get();
        return s != null ? s.client : ProxyHeader.client(ch);
    }

    // --- what it knows ---

    public State state() {
        return state;
    }

    public FrontendState frontend() {
        return frontend;
    }

    /** The client's address, as X-Forwarded-For, {@code balance source} and the stats admin check read it. */
    public SocketAddress clientAddress() {
        return client;
    }

    /** The address the client connected to. */
    public SocketAddress frontendAddress() {
        return local;
    }

    /** The backend, or null when none was chosen. */
    public BackendState backend() {
        return backend;
    }

    /** The server, or null when none was assigned. */
    public ServerState server() {
        return server;
    }

    /** Wall clock at the start, for a log's accept date (worked out when asked: most streams are not logged). */
    public long startMillis() {
        return System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /**
     * {@code %U}: HAProxy 2.6 counts the request in its internal form (HTX), not its bytes: the start line's
     * parts, names and values, the payload without chunk framing (the bytes in TCP mode).
     */
    public long loggedBytesIn() {
        return bytesIn + htxInDelta;
    }

    /** {@code %B}: the response in HAProxy's internal form, the proxy's own answers included. */
    public long loggedBytesOut() {
        return bytesOut + htxOutDelta;
    }

    /** Whether any byte came from the client (a head that never completed too): {@code option dontlognull}. */
    public boolean receivedAnything() {
        return bytesIn > 0 || requestNanos != 0;
    }

    public int retries() {
        return retries;
    }

    /** Sent to another server after its own failed ({@code option redispatch}): {@code %tsc}'s {@code +}. */
    public boolean wasRedispatched() {
        return redispatched;
    }

    /** The HTTP status sent to the client, 0 when none was. */
    public int status() {
        return status;
    }

    /** The request's method, or null when no valid request line came (or the frontend does not log). */
    public String method() {
        return method;
    }

    public String uri() {
        return uri;
    }

    public String version() {
        return version;
    }

    /** Its number in the process's requests ({@code %rt}). */
    public long requestId() {
        if (requestId < 0) {
            requestId = REQUESTS.getAndIncrement();
        }
        return requestId;
    }

    /** The id {@code unique-id-format} made for it, or null. */
    public String uniqueId() {
        return uniqueId;
    }

    /** Null when nothing was captured. */
    public String[] requestCaptures() {
        return requestCaptures;
    }

    public String[] responseCaptures() {
        return responseCaptures;
    }

    /** {@code %CC}: null when nothing was captured. */
    public String requestCookie() {
        return requestCookie;
    }

    /** {@code %CS}. */
    public String responseCookie() {
        return responseCookie;
    }

    public char requestCookieState() {
        return requestCookieState;
    }

    public char responseCookieState() {
        return responseCookieState;
    }

    /** The server connection's local address ({@code %bi:%bp}), null when none was made or given. */
    public SocketAddress serverSource() {
        return serverSource;
    }

    public int serverQueuePosition() {
        return serverQueuePosition;
    }

    public int backendQueuePosition() {
        return backendQueuePosition;
    }

    /** Why it ended; null while it runs. */
    public Termination termination() {
        return termination;
    }

    /** {@code %Ti}: idle time before the request's first byte; -1 when none came. */
    public long idleMillis() {
        return between(startNanos, requestNanos);
    }

    /** {@code %TR}: from the request's first byte to its complete head; -1 when it did not complete. */
    public long requestMillis() {
        return headNanos == 0 ? -1 : between(requestNanos, headNanos);
    }

    /**
     * {@code %Tw}: time spent in queues (up to the end when it left them without a slot); 0 when it did not
     * wait, -1 when it never reached a queue or a server.
     */
    public long queueMillis() {
        if (queuedNanos == 0) {
            return server == null ? -1 : 0;
        }
        return between(queuedNanos, queueEndNanos != 0 ? queueEndNanos : endNanos);
    }

    /** {@code %Tc}: time to connect to the server; -1 when it did not connect. */
    public long connectMillis() {
        return connectedNanos == 0 ? -1 : between(connectNanos, connectedNanos);
    }

    /** {@code %Tr}: from connected (request sent) to the response head; -1 when none came. */
    public long responseMillis() {
        return responseNanos == 0 || connectedNanos == 0 ? -1 : between(connectedNanos, responseNanos);
    }

    /** {@code %Tt}: from the start to the end (or to the moment of an early line); -1 while it runs. */
    public long totalMillis() {
        long end = lineEndNanos();
        return end == 0 ? -1 : between(startNanos, end);
    }

    /** {@code %Ta}: {@code %Tt} less the idle time before the request. */
    public long activeMillis() {
        long end = lineEndNanos();
        return end == 0 ? -1 : between(requestNanos == 0 ? startNanos : requestNanos, end);
    }

    /** The end, or before it the moment an early line ({@code option logasap}) is about; 0 for neither. */
    private long lineEndNanos() {
        return endNanos != 0 ? endNanos : loggedNanos;
    }

    private static long between(long from, long to) {
        return from == 0 || to == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    @Override
    public String toString() {
        return "stream " + client + " " + frontend.name() + " " + (backend == null ? "-" : backend.name()) + "/"
                + (server == null ? "-" : server.name()) + " " + status + " " + bytesIn + "/" + bytesOut + " "
                + (termination == null ? "running" : termination);
    }
}
