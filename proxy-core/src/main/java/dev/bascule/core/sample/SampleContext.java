package dev.bascule.core.sample;

import dev.bascule.config.sample.VarName;
import dev.bascule.core.BackendState;
import dev.bascule.core.FrontendState;
import dev.bascule.core.ServerState;
import dev.bascule.core.proxyprotocol.ProxyHeader;
import dev.bascule.core.stream.Stream;
import dev.bascule.core.tls.TlsSession;

import java.net.SocketAddress;
import java.util.function.Function;

/**
 * What the fetches of one evaluation read (HAProxy's session, stream and channel): the connection's addresses,
 * the request head (null in mode tcp), the proxies, and the other backends by name ({@code nbsrv(name)}).
 */
public final class SampleContext {
    /** No backend is known by name (a lookup for contexts outside a generation). */
    public static final Function<String, BackendState> NO_BACKENDS = name -> null;

    private final SocketAddress client;
    private final SocketAddress local;
    private final RequestView request;
    private final FrontendState frontend;
    private final BackendState backend;
    private final ServerState server;
    private final Function<String, BackendState> backends;
    /** The transaction: what it keeps once its request head is gone (its method), its TLS session; null outside one. */
    private final Stream stream;
    /** The client's first bytes held for {@code tcp-request content} rules, or null. */
    private final Payload payload;
    /** The client connection's variables where there is no stream yet ({@code tcp-request connection}), or null. */
    private final Vars session;
    /** The response head the {@code http-response} rules run on, or null. */
    private final ResponseView response;
    /** The {@code name} of the bind line the connection came in on, or null. */
    private final String listenerName;
    /** The process's variables where there is no frontend (the global section's {@code set-var}), or null. */
    private final Vars process;
    /** A fetch of the current evaluation lacked bytes that may still come (HAProxy's SMP_F_MAY_CHANGE). */
    private boolean mayChange;

    public SampleContext(SocketAddress client, SocketAddress local, RequestView request, FrontendState frontend,
                         BackendState backend, ServerState server, Function<String, BackendState> backends) {
        this(client, local, request, frontend, backend, server, backends, null, null, null);
    }

    private SampleContext(SocketAddress client, SocketAddress local, RequestView request, FrontendState frontend,
                          BackendState backend, ServerState server, Function<String, BackendState> backends,
                          Stream stream, String listenerName, Vars process) {
        this.stream = stream;
        this.process = process;
        this.listenerName = listenerName;
        this.client = client;
        this.local = local;
        this.request = request;
        this.frontend = frontend;
        this.backend = backend;
        this.server = server;
        this.backends = backends;
        this.payload = null;
        this.session = null;
        this.response = null;
    }

    private SampleContext(SampleContext c, Payload payload, Vars session, ResponseView response,
            String listenerName) {
        this.stream = c.stream;
        this.process = c.process;
        this.listenerName = listenerName;
        this.client = c.client;
        this.local = c.local;
        this.request = c.request;
        this.frontend = c.frontend;
        this.backend = c.backend;
        this.server = c.server;
        this.backends = c.backends;
        this.payload = payload;
        this.session = session;
        this.response = response;
    }

    /** This context with the client's held bytes for the layer 6 fetches. */
    public SampleContext with(Payload held) {
        return new SampleContext(this, held, session, response, listenerName);
    }

    /**
     * What the global section's {@code set-var} reads and sets: the process's variables, nothing of any traffic.
     */
    public static SampleContext ofProcess(Vars proc) {
        return new SampleContext(null, null, null, null, null, null, NO_BACKENDS, null, null, proc);
    }

    /** This context, outside a stream, with its connection's session variables. */
    public SampleContext with(Vars sessionVars) {
        return new SampleContext(this, payload, sessionVars, response, listenerName);
    }

    /** This context with the response head for the response fetches. */
    public SampleContext with(ResponseView head) {
        return new SampleContext(this, payload, session, head, listenerName);
    }

    /** This context on a connection accepted by the bind line called {@code name} (null: a bind without a name). */
    public SampleContext onListener(String name) {
        return new SampleContext(this, payload, session, response, name);
    }

    /** The response head, or null outside the response rules. */
    public ResponseView response() {
        return response;
    }

    /** {@code so_name}: the name of the bind line the connection came in on, or null. */
    public String listenerName() {
        return listenerName;
    }

    /**
     * The variables of {@code scope} here, made if {@code create} and the scope is there; null when it is not (no
     * transaction yet, {@code req.} during the response) or, without {@code create}, when none is set.
     */
    public Vars vars(VarName.Scope scope, boolean create) {
        if (scope == VarName.Scope.PROC) {
            return frontend == null ? process : frontend.procVars();
        }
        if (stream != null) {
            return stream.vars(scope, create);
        }
        return scope == VarName.Scope.SESS ? session : null;
    }

    /** The client's bytes held for inspection, or null (none are held, or the request is HTTP). */
    public Payload payload() {
        return payload;
    }

    /** A fetch found too few bytes, which may still come: a rule should wait rather than decide. */
    void mayChange() {
        mayChange = true;
    }

    /** Whether a fetch said {@link #mayChange()} since the mark was last taken; leaves the mark. */
    boolean peekMayChange() {
        return mayChange;
    }

    /** Whether a fetch said {@link #mayChange()} since the last call; clears the mark. */
    boolean takeMayChange() {
        boolean was = mayChange;
        mayChange = false;
        return was;
    }

    /** The stream's view: its addresses, its proxies so far, and {@code request} (null for a TCP session). */
    public static SampleContext of(Stream stream, RequestView request, Function<String, BackendState> backends) {
        return new SampleContext(stream.clientAddress(), stream.frontendAddress(), request, stream.frontend(),
                stream.backend(), stream.server(), backends, stream, stream.listenerName(), null);
    }

    /** The request's method: from its head, or as the transaction kept it for its log line; null without either. */
    public String method() {
        return request != null ? request.methodName() : stream == null ? null : stream.method();
    }

    /** The transaction, or null outside one (a connection's rules, a health check). */
    public Stream stream() {
        return stream;
    }

    /** The client connection's TLS session, or null for a plain connection. */
    public TlsSession tls() {
        return stream == null ? null : stream.tls();
    }

    /** The PROXY protocol header the client connection began with, or null (none was received). */
    public ProxyHeader proxyHeader() {
        return stream == null ? null : stream.proxyHeader();
    }

    public SocketAddress client() {
        return client;
    }

    public SocketAddress local() {
        return local;
    }

    /** The request head, or null in mode tcp. */
    public RequestView request() {
        return request;
    }

    public FrontendState frontend() {
        return frontend;
    }

    public BackendState backend() {
        return backend;
    }

    public ServerState server() {
        return server;
    }

    /** The backend called {@code name} in this generation, or null. */
    public BackendState backend(String name) {
        return backends.apply(name);
    }
}
