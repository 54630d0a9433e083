package dev.bascule.core.log;

import dev.bascule.config.model.LogFormat;
import dev.bascule.core.sample.RequestView;
import dev.bascule.core.stream.Stream;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * {@code unique-id-format}: a request's id (doc section 4.2), made once from the format, as HAProxy makes it: when
 * the request is processed (for {@code unique-id-header}), or when the line of a request that never got that far
 * is logged; {@code %ID} and the header then say the same.
 */
public final class UniqueId {
    private final LogFormat format;
    private final String hostname;
    private final long pid;
    private final IntSupplier processConnections;
    private final LongSupplier linesLogged;

    /**
     * @param linesLogged the frontend's lines so far ({@code %lc})
     * @return null when {@code format} is
     */
    public static UniqueId of(LogFormat format, String hostname, IntSupplier processConnections,
                              LongSupplier linesLogged) {
        return format == null ? null
                : new UniqueId(format, hostname, ProcessHandle.current().pid(), processConnections, linesLogged);
    }

    private UniqueId(LogFormat format, String hostname, long pid, IntSupplier processConnections,
                     LongSupplier linesLogged) {
        this.format = format;
        this.hostname = hostname;
        this.pid = pid;
        this.processConnections = processConnections;
        this.linesLogged = linesLogged;
    }

    /**
     * The stream's id, made now if it has none yet; on the stream's event loop.
     *
     * @param request the request head its samples read, or null when it is gone (the line of a stream that ended
     *                before its request was processed)
     */
    public String of(Stream s, RequestView request) {
        if (s.uniqueId() == null) {
            LogLine line = LogLine.current();
            StringBuilder out = line.out;
            int from = out.length();
            line.render(format, s, new LogLine.Context(processConnections.getAsInt(), s.requestId(),
                    linesLogged.getAsLong(), hostname, pid, null, s.frontend().config().log().logAsap(), request));
            s.uniqueId(out.substring(from));
            out.setLength(from);
        }
        return s.uniqueId();
    }
}
