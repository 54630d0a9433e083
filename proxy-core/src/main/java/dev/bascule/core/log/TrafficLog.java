package dev.bascule.core.log;

import dev.bascule.config.model.Frontend;
import dev.bascule.config.model.Global;
import dev.bascule.config.model.LogFormat;
import dev.bascule.config.model.LogSettings;
import dev.bascule.config.model.LogTarget;
import dev.bascule.core.StartupException;
import dev.bascule.core.stream.Stream;
import dev.bascule.core.stream.Termination;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * A frontend's traffic log (doc section 8): each ended stream becomes a line in the frontend's format, sent to each
 * of its targets that takes the line's level, with the target's header. It runs on the stream's event loop: the
 * line is written into that loop's builder and handed to non-blocking sinks. A frontend without a target has none.
 */
public final class TrafficLog {
    private static final FastThreadLocal<StringBuilder> HEADERS = new FastThreadLocal<>() {
        @Override
        protected StringBuilder initialValue() {
            return new StringBuilder(128);
        }
    };
    private static final long PID = ProcessHandle.current().pid();

    private record Target(LogTarget config, LogSink sink, AtomicLong seen) {
    }

    private final Frontend frontend;
    private final LogSettings settings;
    private final List<Target> targets;
    private final String tag;
    private final String hostname;
    private final LogSinks sinks;
    private final IntSupplier processConnections;
    private final boolean rfc5424;
    /** {@code %lc}: lines this frontend logged. */
    private final AtomicLong lines = new AtomicLong();

    private TrafficLog(Frontend frontend, List<Target> targets, String tag, String hostname, LogSinks sinks,
                       IntSupplier processConnections) {
        this.frontend = frontend;
        this.settings = frontend.log();
        this.targets = targets;
        this.tag = tag;
        this.hostname = hostname;
        this.sinks = sinks;
        this.processConnections = processConnections;
        this.rfc5424 = targets.stream().anyMatch(t -> t.config.framing() == LogTarget.Framing.RFC5424);
    }

    /**
     * The log of {@code frontend}, or null when it has no target (then nothing is done per stream).
     *
     * @param processConnections the process's current connections ({@code %ac})
     */
    public static TrafficLog of(Frontend frontend, Global global, LogSinks sinks, IntSupplier processConnections)
            throws StartupException {
        LogSettings s = frontend.log();
        List<LogTarget> all = new ArrayList<>(s.global() ? global.logs() : List.of());
        all.addAll(s.targets());
        if (all.isEmpty()) {
            return null;
        }
        List<Target> targets = new ArrayList<>();
        for (LogTarget t : all) {
            targets.add(new Target(t, sinks.of(t), new AtomicLong()));
        }
        String tag = s.tag() != null ? s.tag() : global.logTag() != null ? global.logTag() : Global.DEFAULT_LOG_TAG;
        return new TrafficLog(frontend, targets, tag, global.logHostname(), sinks, processConnections);
    }

    /**
     * A connection was accepted: without a log format, HAProxy's default log is this one line
     * ({@code Connect from 127.0.0.1:42424 to 127.0.0.1:8080 (fe/HTTP)}).
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
        send(line, LogTarget.INFO, null);
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
        LogFormat format = settings.format();
        if (format == null || s.unlogged() || settings.dontLogNull() && !s.receivedAnything()) {
            return;
        }
        LogLine line = LogLine.current();
        StringBuilder out = line.out;
        out.setLength(0);
        UniqueId ids = s.frontend().uniqueIds();
        String uniqueId = ids == null ? null : ids.of(s);
        LogLine.Context c = new LogLine.Context(processConnections.getAsInt(), s.requestId(), lines.incrementAndGet(),
                hostname, PID, uniqueId);
        line.render(format, s, c);
        CharSequence sd = null;
        if (rfc5424) {
            StringBuilder message = new StringBuilder(out);
            out.setLength(0);
            line.render(settings.sdFormat(), s, c);
            sd = out.toString();
            out.setLength(0);
            out.append(message);
        }
        send(line, level(s), sd);
    }

    /**
     * info; err with {@code option log-separate-errors} for a transaction HAProxy calls an error: a termination
     * cause other than normal or local, a retry or redispatch, a status of 500 and more.
     */
    private int level(Stream s) {
        if (!settings.separateErrors()) {
            return LogTarget.INFO;
        }
        Termination t = s.termination();
        boolean failed = t != null && t.cause() != Termination.Cause.NONE && t.cause() != Termination.Cause.LOCAL;
        return failed || s.retries() > 0 || s.wasRedispatched() || s.status() >= 500 ? LogTarget.ERR
                : LogTarget.INFO;
    }

    private void send(LogLine line, int level, CharSequence sd) {
        long now = currentMicros();
        StringBuilder header = HEADERS.get();
        for (Target t : targets) {
            int l = t.config.levelFor(level);
            if (l < 0 || t.config.sample() != null && !t.config.sample().takes(t.seen.incrementAndGet())) {
                continue;
            }
            header.setLength(0);
            Syslog.header(header, line.dates, t.config, l, tag, hostname, PID, now, sd == null ? "- " : sd);
            int length = Math.min(header.length() + line.out.length(), t.config.maxLength()) + 1;
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(length);
            Syslog.write(buf, header, line.out, t.config.maxLength());
            if (!t.sink.send(buf)) {
                sinks.drop();
            }
        }
    }

    private static long currentMicros() {
        java.time.Instant i = java.time.Clock.systemUTC().instant();
        return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
    }
}
