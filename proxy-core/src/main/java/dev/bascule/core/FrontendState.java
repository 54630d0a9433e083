package dev.bascule.core;

import dev.bascule.config.model.Frontend;
import dev.bascule.core.auth.Userlists;
import dev.bascule.core.log.TrafficLog;
import dev.bascule.core.log.UniqueId;
import dev.bascule.core.sample.Vars;
import dev.bascule.core.stream.Stream;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/** A frontend's live side: its connection limit and counters (what the stats show on its FRONTEND row). */
public final class FrontendState {
    private final HttpCounters http;
    /** Intercepted, invalid and denied requests, internal errors (the CSV's intercepted, ereq, dreq, eint...). */
    private final ProxyCounters counters;

    /** HTTP requests and responses through this proxy or server (mode http only). */
    public HttpCounters http() {
        return http;
    }

    private final Frontend config;
    private final ConnectionLimiter limiter;
    private final AtomicLong sessionsTotal;
    private final AtomicInteger sessionsMax;
    private final LongAdder bytesIn;
    private final LongAdder bytesOut;
    /**
     * Sessions per second. Every accepted connection is a session here (nothing refuses one in between, as
     * HAProxy's tcp-request connection rules can), so it is also the connection rate.
     */
    private final RateCounter sessionRate;
    private final RateCounter processRate;
    /** Told of every stream that ends, on its event loop (the traffic log's seam, and tests'). */
    private final AtomicReference<Consumer<Stream>> streamEnded;
    /** The traffic log, or null when the frontend has no log target. */
    private final TrafficLog log;
    /** {@code unique-id-format}'s ids, or null without one. */
    private final UniqueId uniqueIds;
    /** Its {@code tcp-request} rules. */
    private final TcpRequestRules tcpRules;
    /** The process's variables ({@code proc.}): the engine's, the same for every frontend and generation. */
    private final Vars procVars;
    /** The generation's userlists, for {@code http_auth}. */
    private final Userlists userlists;
    private volatile boolean stopping;

    /**
     * @param processRate the whole process's connection rate, which this frontend's connections add to
     * @param streamEnded who is told of ended streams (the runtime's, shared by every frontend)
     * @param procVars    the process's variables
     */
    FrontendState(Frontend config, ConnectionLimiter limiter, RateCounter processRate,
                  AtomicReference<Consumer<Stream>> streamEnded, TrafficLog log, UniqueId uniqueIds, Vars procVars,
                  Userlists userlists) {
        this.config = config;
        this.procVars = procVars;
        this.userlists = userlists;
        this.log = log;
        this.uniqueIds = uniqueIds;
        this.tcpRules = new TcpRequestRules(config.tcpRequest());
        this.limiter = limiter;
        this.processRate = processRate;
        this.streamEnded = streamEnded;
        this.http = HttpCounters.withRequestRate();
        this.counters = new ProxyCounters();
        this.sessionsTotal = new AtomicLong();
        this.sessionsMax = new AtomicInteger();
        this.bytesIn = new LongAdder();
        this.bytesOut = new LongAdder();
        this.sessionRate = new RateCounter();
    }

    /**
     * The same frontend under a reloaded config: its counters and its connection limit (with the connections
     * it holds) go on, as HAProxy's do for a proxy of the same name.
     */
    FrontendState(Frontend config, FrontendState previous, TrafficLog log, UniqueId uniqueIds, Userlists userlists) {
        this.config = config;
        this.procVars = previous.procVars;
        this.userlists = userlists;
        this.log = log;
        this.uniqueIds = uniqueIds;
        this.tcpRules = new TcpRequestRules(config.tcpRequest());
        this.limiter = previous.limiter;
        this.limiter.max(config.maxconn());
        this.processRate = previous.processRate;
        this.streamEnded = previous.streamEnded;
        this.http = previous.http;
        this.counters = previous.counters;
        this.sessionsTotal = previous.sessionsTotal;
        this.sessionsMax = previous.sessionsMax;
        this.bytesIn = previous.bytesIn;
        this.bytesOut = previous.bytesOut;
        this.sessionRate = previous.sessionRate;
    }

    /** Denials, errors, intercepted requests; rules call {@link ProxyCounters#requestDenied()} here. */
    public ProxyCounters counters() {
        return counters;
    }

    public TcpRequestRules tcpRules() {
        return tcpRules;
    }

    public Vars procVars() {
        return procVars;
    }

    public Userlists userlists() {
        return userlists;
    }

    public Frontend config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    ConnectionLimiter limiter() {
        return limiter;
    }

    /** A connection was accepted (it holds a {@code maxconn} slot from now until it closes). */
    void accepted() {
        sessionsTotal.incrementAndGet();
        sessionsMax.accumulateAndGet(limiter.current(), Math::max);
        sessionRate.record();
        processRate.record();
    }

    /** A stream of this frontend ended. */
    public void streamEnded(Stream stream) {
        StreamStats.count(stream);
        if (log != null) {
            log.streamEnded(stream);
        }
        Consumer<Stream> c = streamEnded.get();
        if (c != null) {
            c.accept(stream);
        }
    }

    /** The traffic log, or null when the frontend logs nothing. */
    public TrafficLog log() {
        return log;
    }

    /** Makes the ids of {@code unique-id-format}; null without one. */
    public UniqueId uniqueIds() {
        return uniqueIds;
    }

    /** The process is soft-stopping: HTTP clients are asked to close at their next response. */
    void stopping() {
        stopping = true;
    }

    public boolean isStopping() {
        return stopping;
    }

    public RateCounter sessionRate() {
        return sessionRate;
    }

    public int sessionsCurrent() {
        return limiter.current();
    }

    public int sessionsMax() {
        return sessionsMax.get();
    }

    public long sessionsTotal() {
        return sessionsTotal.get();
    }

    public int sessionsLimit() {
        return config.maxconn();
    }

    public void bytesIn(long n) {
        bytesIn.add(n);
    }

    public void bytesOut(long n) {
        bytesOut.add(n);
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }
}
