package dev.bascule.core.log;

import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.Global;
import dev.bascule.config.model.LogFormat;
import dev.bascule.config.model.LogSettings;
import dev.bascule.config.model.LogTarget;
import dev.bascule.core.StartupException;
import dev.bascule.core.stream.Stream;
import dev.bascule.core.stream.Termination;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * A frontend's traffic log (doc section 8): each ended stream becomes a line in the frontend's format, sent to each
 * of its targets that takes the line's level, with the target's header. It runs on the stream's event loop: the
 * line is written into that loop's builder and handed to non-blocking sinks. A frontend without a target has none.
 */
public final class TrafficLog {
    private final Frontend frontend;
    private final LogSettings settings;
    private final LogTargets targets;
    private final IntSupplier processConnections;
    /** {@code %lc}: lines this frontend logged. */
    private final AtomicLong lines = new AtomicLong();

    private TrafficLog(Frontend frontend, LogTargets targets, IntSupplier processConnections) {
        this.frontend = frontend;
        this.settings = frontend.log();
        this.targets = targets;
        this.processConnections = processConnections;
    }

    /**
     * The log of {@code frontend}, or null when it has no target (then nothing is done per stream).
     *
     * @param processConnections the process's current connections ({@code %ac})
     */
    public static TrafficLog of(Frontend frontend, Global global, LogSinks sinks, IntSupplier processConnections)
            throws StartupException {
        LogTargets targets = LogTargets.of(frontend.log(), global, sinks);
        return targets == null ? null : new TrafficLog(frontend, targets, processConnections);
    }

    /** Where the frontend's lines go, its own messages' too. */
    public LogTargets targets() {
        return targets;
    }

    /**
     * A stream begins (a TCP connection accepted, an HTTP request head arrived): without a log format, HAProxy's
     * default log is this one line ({@code Connect from 127.0.0.1:42424 to 127.0.0.1:8080 (fe/HTTP)}).
     */
    public void accepted(SocketAddress client, SocketAddress local) {
        if (settings.format() != null) {
            return;
        }
        LogLine line = LogLine.current();
        StringBuilder out = line.out;
        out.setLength(0);
        out.append("Connect from ");
        endpoint(out, client);
        out.append(" to ");
        endpoint(out, local);
        out.append(" (").append(frontend.name()).append('/').append(frontend.mode().name()).append(')');
        targets.send(line, LogTarget.INFO, null);
    }

    /**
     * A connection that ended before its first stream, such as a failed TLS handshake: HAProxy's line for it when
     * the frontend has a log format ({@code 127.0.0.1:42424 [02/Dec/2026:21:57:45.427] fe/1: SSL handshake
     * failure}), {@code bind} being the listener's {@code name} or its number in the frontend.
     */
    public void connectionError(SocketAddress client, String bind, long acceptedMillis, String message) {
        if (settings.format() == null) {
            return;
        }
        LogLine line = LogLine.current();
        StringBuilder out = line.out;
        out.setLength(0);
        endpoint(out, client);
        out.append(" [");
        line.dates.haproxy(out, acceptedMillis);
        out.append("] ").append(frontend.name()).append('/').append(bind).append(": ").append(message);
        targets.send(line, settings.separateErrors() ? LogTarget.ERR : LogTarget.INFO, null);
    }

    private static void endpoint(StringBuilder out, SocketAddress a) {
        if (a instanceof InetSocketAddress inet && inet.getAddress() != null) {
            out.append(io.netty.util.NetUtil.toAddressString(inet.getAddress())).append(':').append(inet.getPort());
        } else {
            out.append("unix");
        }
    }

    /** {@code %lc}: the lines logged so far. */
    public long linesLogged() {
        return lines.get();
    }

    /** The traffic log's seam: called by the frontend for each stream that ends, on the stream's event loop. */
    public void streamEnded(Stream s) {
        if (!s.wasLoggedEarly() && !(settings.dontLogNull() && !s.receivedAnything())
                && !(settings.dontLogNormal() && !failed(s))) {
            write(s);
        }
    }

    /**
     * {@code option logasap}: the response head is forwarded (HTTP) or the server connected (TCP), at {@code nanos}:
     * the line is written now, about what is known so far, as HAProxy writes it then; nothing more at the end. Not
     * subject to {@code option dontlognull}, which HAProxy applies at the end only (a TCP client may not have sent
     * anything yet).
     */
    public void early(Stream s, long nanos) {
        if (settings.logAsap() && !s.wasLoggedEarly()) {
            s.loggedEarly(nanos);
            write(s);
        }
    }

    private void write(Stream s) {
        LogFormat format = settings.format();
        if (format == null || s.unlogged()) {
            return;
        }
        LogLine line = LogLine.current();
        StringBuilder out = line.out;
        out.setLength(0);
        UniqueId ids = s.frontend().uniqueIds();
        String uniqueId = ids == null ? null : ids.of(s, null);
        LogLine.Context c = new LogLine.Context(processConnections.getAsInt(), s.requestId(), lines.incrementAndGet(),
                targets.hostname(), LogTargets.PID, uniqueId, settings.logAsap(), null);
        line.render(format, s, c);
        CharSequence sd = null;
        if (targets.rfc5424()) {
            StringBuilder message = new StringBuilder(out);
            out.setLength(0);
            line.render(settings.sdFormat(), s, c);
            sd = out.toString();
            out.setLength(0);
            out.append(message);
        }
        targets.send(line, level(s), sd);
    }

    /**
     * The level a rule set ({@code set-log-level}), which wins as in HAProxy's {@code strm_log}; else info, or err
     * with {@code option log-separate-errors} for a failed transaction.
     */
    private int level(Stream s) {
        if (s.logLevel() >= 0) {
            return s.logLevel();
        }
        return settings.separateErrors() && failed(s) ? LogTarget.ERR : LogTarget.INFO;
    }

    /**
     * What HAProxy's {@code strm_log} calls an error ({@code option log-separate-errors}, {@code option
     * dontlog-normal}): a termination cause other than normal or local, a retry or redispatch, a status of 500 and
     * more (in mode http).
     */
    private static boolean failed(Stream s) {
        Termination t = s.termination();
        return t != null && t.cause() != Termination.Cause.NONE && t.cause() != Termination.Cause.LOCAL
                || s.retries() > 0 || s.wasRedispatched() || s.status() >= 500;
    }
}
