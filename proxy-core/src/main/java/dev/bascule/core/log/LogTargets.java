package dev.bascule.core.log;

import dev.bascule.config.model.Global;
import dev.bascule.config.model.LogSettings;
import dev.bascule.config.model.LogTarget;
import dev.bascule.core.StartupException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a proxy's lines go (HAProxy's {@code logsrvs}): each target that takes a line's level gets it with its own
 * header. Traffic lines and the proxy's own messages (server states, health checks, stopping) alike, as HAProxy's
 * {@code send_log} sends both to the proxy's targets.
 */
public final class LogTargets {
    private static final FastThreadLocal<StringBuilder> HEADERS = new FastThreadLocal<>() {
        @Override
        protected StringBuilder initialValue() {
            return new StringBuilder(128);
        }
    };
    static final long PID = ProcessHandle.current().pid();

    private record Target(LogTarget config, LogSink sink, AtomicLong seen) {
    }

    private final List<Target> targets;
    private final String tag;
    private final String hostname;
    private final LogSinks sinks;
    private final boolean rfc5424;

    private LogTargets(List<Target> targets, String tag, String hostname, LogSinks sinks) {
        this.targets = targets;
        this.tag = tag;
        this.hostname = hostname;
        this.sinks = sinks;
        this.rfc5424 = targets.stream().anyMatch(t -> t.config.framing() == LogTarget.Framing.RFC5424);
    }

    /** A proxy's targets: its own {@code log} lines, and the global ones with {@code log global}; null for none. */
    public static LogTargets of(LogSettings s, Global global, LogSinks sinks) throws StartupException {
        List<LogTarget> all = new ArrayList<>(s.global() ? global.logs() : List.of());
        all.addAll(s.targets());
        return of(all, s.tag(), global, sinks);
    }

    /** The {@code global} section's targets, for the messages of no proxy (HAProxy's {@code send_log(NULL, ...)}). */
    public static LogTargets global(Global global, LogSinks sinks) throws StartupException {
        return of(global.logs(), null, global, sinks);
    }

    private static LogTargets of(List<LogTarget> all, String ownTag, Global global, LogSinks sinks)
            throws StartupException {
        if (all.isEmpty()) {
            return null;
        }
        List<Target> targets = new ArrayList<>();
        for (LogTarget t : all) {
            targets.add(new Target(t, sinks.of(t), new AtomicLong()));
        }
        String tag = ownTag != null ? ownTag : global.logTag() != null ? global.logTag() : Global.DEFAULT_LOG_TAG;
        return new LogTargets(targets, tag, global.logHostname(), sinks);
    }

    /** Whether a target frames rfc5424 lines (which carry structured data). */
    boolean rfc5424() {
        return rfc5424;
    }

    String hostname() {
        return hostname;
    }

    /**
     * One of the proxy's own messages (HAProxy's {@code send_log}), on the caller's thread: an event loop's
     * channel when it is one, else the first loop's.
     *
     * @param level a syslog level ({@link LogTarget#INFO}...)
     */
    public void message(int level, String text) {
        LogLine line = LogLine.current();
        line.out.setLength(0);
        line.out.append(text);
        send(line, level, null);
    }

    /** Sends {@code line}'s text at {@code level}, with {@code sd} as an rfc5424 line's structured data. */
    void send(LogLine line, int level, CharSequence sd) {
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
