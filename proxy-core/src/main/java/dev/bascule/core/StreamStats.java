package dev.bascule.core;

import dev.bascule.config.model.Mode;
import dev.bascule.core.stream.Stream;
import dev.bascule.core.stream.Termination;
import dev.bascule.core.stream.Termination.Cause;
import dev.bascule.core.stream.Termination.Phase;

/**
 * What an ended stream adds to its frontend's, backend's and server's counters, read from its termination and its
 * phase times, once, at its end: the counters HAProxy's analyzers increment where the event happens (http_ana.c,
 * stream.c) follow from the termination letters it logs, so one classification here replaces a dozen call sites.
 * Runs on the stream's event loop; adds only to {@code LongAdder}s and lock-free averages.
 */
final class StreamStats {
    private StreamStats() {
    }

    static void count(Stream s) {
        Termination t = s.termination();
        Cause cause = t == null ? Cause.NONE : t.cause();
        Phase phase = t == null ? Phase.NONE : t.phase();
        frontend(s.frontend().counters(), s, cause, phase);
        // As HAProxy's stream end (stream.c): the status sent, the proxy's own answers (503, 504...) included.
        int status = s.status();
        if (status != 0 && s.frontend().config().mode() == Mode.HTTP) {
            s.frontend().http().response(status);
        }
        BackendState b = s.backend();
        if (b == null) {
            return;
        }
        boolean http = b.config().mode() == Mode.HTTP;
        if (status != 0 && http) {
            b.http().response(status);
        }
        // Once per stream rather than per read: the backend's bytes also count those of streams no server took.
        b.bytes(s.bytesIn(), s.bytesOut());
        ServerState srv = s.server();
        ProxyCounters bc = b.counters();
        ProxyCounters sc = srv == null ? null : srv.counters();
        if (isClientAbort(cause, phase)) {
            bc.clientAborted();
            if (sc != null) {
                sc.clientAborted();
            }
        }
        if (isServerAbort(cause, phase)) {
            bc.serverAborted();
            if (sc != null) {
                sc.serverAborted();
            }
        }
        if (isInvalidResponse(cause, phase, http)) {
            bc.invalidResponse();
            if (sc != null) {
                sc.invalidResponse();
            }
        }
        if (srv == null && phase == Phase.CONNECT && cause == Cause.SERVER_ABORT
                || phase == Phase.QUEUE && cause == Cause.SERVER_TIMEOUT) {
            // No server to take it (SC), or timeout queue (sQ): HAProxy counts a connection error on the backend.
            bc.connectionFailed();
        }
        if (cause == Cause.INTERNAL) {
            bc.internalError();
            if (sc != null) {
                sc.internalError();
            }
        }
        times(s, b, srv, http);
    }

    private static void frontend(ProxyCounters fc, Stream s, Cause cause, Phase phase) {
        if (cause == Cause.LOCAL && phase != Phase.HEADERS) {
            // monitor-uri, the stats page, the exporter: HAProxy's intercepted requests (an http-response return or
            // redirect, LH, answers a response, not a request).
            fc.requestIntercepted();
        } else if (phase == Phase.REQUEST && (cause == Cause.PROXY
                || cause == Cause.CLIENT_TIMEOUT && s.receivedAnything())) {
            // 400 and friends, and a 408 for a head that began (HAProxy's H1 mux closes an empty one silently).
            fc.invalidRequest();
        } else if (cause == Cause.INTERNAL) {
            fc.internalError();
        }
    }

    /**
     * HAProxy's cli_aborts: the client closed, reset or timed out while the response was relayed (http_ana.c's
     * return_cli_abort, stream.c in TCP mode), or closed while the response was awaited.
     */
    static boolean isClientAbort(Cause cause, Phase phase) {
        return phase == Phase.DATA && (cause == Cause.CLIENT_ABORT || cause == Cause.CLIENT_TIMEOUT)
                || phase == Phase.HEADERS && cause == Cause.CLIENT_ABORT;
    }

    /** HAProxy's srv_aborts: the server closed, reset or timed out while data was relayed. */
    static boolean isServerAbort(Cause cause, Phase phase) {
        return phase == Phase.DATA && (cause == Cause.SERVER_ABORT || cause == Cause.SERVER_TIMEOUT);
    }

    /**
     * HAProxy's failed_resp (eresp): no valid response head came (the server closed or timed out first, or sent
     * something invalid: 502, 504), or in TCP mode the server's end was reset.
     */
    static boolean isInvalidResponse(Cause cause, Phase phase, boolean http) {
        if (phase == Phase.HEADERS) {
            return cause == Cause.SERVER_ABORT || cause == Cause.SERVER_TIMEOUT || cause == Cause.PROXY;
        }
        return !http && phase == Phase.DATA && cause == Cause.SERVER_ABORT;
    }

    /**
     * stream_update_time_stats: only a transaction that connected (and in HTTP mode got its response head) counts;
     * its queue, connect, response and total times go to the server's and the backend's averages and maxima.
     */
    private static void times(Stream s, BackendState b, ServerState srv, boolean http) {
        long connect = s.connectMillis();
        long response = http ? s.responseMillis() : 0;
        if (connect < 0 || response < 0) {
            return;
        }
        long queue = Math.max(0, s.queueMillis());
        long total = s.totalMillis();
        if (srv != null) {
            srv.phaseTimes().record(queue, connect, response, total, srv.totalSessions());
        }
        b.phaseTimes().record(queue, connect, response, total, http ? b.http().requests() : b.streamsTotal());
    }
}
