package dev.bascule.core;

import java.util.concurrent.atomic.LongAdder;

/**
 * The event counters a frontend, a backend and a server share in HAProxy (struct fe_counters, be_counters): denied
 * and invalid requests and responses, aborts by side, internal errors, failed rewrites, intercepted requests,
 * connection attempts and reuses. Each object shows the ones HAProxy shows for it (the CSV's dreq, dresp, ereq,
 * eresp, cli_abrt, srv_abrt, eint, wrew, intercepted, connect, reuse, dcon, dses). Most are counted once per stream at its end
 * from its termination ({@code stream.StreamStats}); the denials are counted by the rules that deny.
 */
public final class ProxyCounters {
    private final LongAdder deniedRequests = new LongAdder();
    private final LongAdder deniedConnections = new LongAdder();
    private final LongAdder deniedSessions = new LongAdder();
    private final LongAdder deniedResponses = new LongAdder();
    private final LongAdder invalidRequests = new LongAdder();
    private final LongAdder invalidResponses = new LongAdder();
    private final LongAdder clientAborts = new LongAdder();
    private final LongAdder serverAborts = new LongAdder();
    private final LongAdder internalErrors = new LongAdder();
    private final LongAdder failedRewrites = new LongAdder();
    private final LongAdder intercepted = new LongAdder();
    private final LongAdder connectAttempts = new LongAdder();
    private final LongAdder reuses = new LongAdder();
    /** A backend's connection errors that no server's count has: no server to take it, a queue timeout. */
    private final LongAdder connectionErrors = new LongAdder();

    /** An {@code http-request deny} (or {@code tcp-request content reject}) refused a request. */
    public void requestDenied() {
        deniedRequests.increment();
    }

    /** A {@code tcp-request connection reject} closed a connection at its accept (the CSV's dcon). */
    public void connectionDenied() {
        deniedConnections.increment();
    }

    /** A {@code tcp-request session reject} closed a connection before its session began (dses). */
    public void sessionDenied() {
        deniedSessions.increment();
    }

    public long deniedConnections() {
        return deniedConnections.sum();
    }

    public long deniedSessions() {
        return deniedSessions.sum();
    }

    /** An {@code http-response deny} refused a response. */
    public void responseDenied() {
        deniedResponses.increment();
    }

    /** A rule's header rewrite failed ({@code wrew}). */
    public void rewriteFailed() {
        failedRewrites.increment();
    }

    void invalidRequest() {
        invalidRequests.increment();
    }

    void invalidResponse() {
        invalidResponses.increment();
    }

    void clientAborted() {
        clientAborts.increment();
    }

    void serverAborted() {
        serverAborts.increment();
    }

    void internalError() {
        internalErrors.increment();
    }

    /** A request answered by the proxy itself: monitor-uri, the stats page, the exporter. */
    public void requestIntercepted() {
        intercepted.increment();
    }

    void connectionFailed() {
        connectionErrors.increment();
    }

    /** A connection to a server is being opened. */
    public void connectAttempt() {
        connectAttempts.increment();
    }

    /** An idle server connection was taken for a request instead of a new one. */
    public void reused() {
        reuses.increment();
    }

    public long deniedRequests() {
        return deniedRequests.sum();
    }

    public long deniedResponses() {
        return deniedResponses.sum();
    }

    public long invalidRequests() {
        return invalidRequests.sum();
    }

    public long invalidResponses() {
        return invalidResponses.sum();
    }

    public long clientAborts() {
        return clientAborts.sum();
    }

    public long serverAborts() {
        return serverAborts.sum();
    }

    public long internalErrors() {
        return internalErrors.sum();
    }

    public long failedRewrites() {
        return failedRewrites.sum();
    }

    public long intercepted() {
        return intercepted.sum();
    }

    public long connectAttempts() {
        return connectAttempts.sum();
    }

    /** See {@link #connectionFailed()}: the backend's econ adds its servers' to these. */
    public long connectionErrors() {
        return connectionErrors.sum();
    }

    public long reuses() {
        return reuses.sum();
    }
}
