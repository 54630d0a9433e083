package dev.bascule.core;

import dev.bascule.config.model.Frontend;
import dev.bascule.core.stream.Stream;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/** A frontend's live side: its connection limit and counters (what the stats show on its FRONTEND row). */
public final class FrontendState {
    private final HttpCounters http = HttpCounters.withRequestRate();

    /** HTTP requests and responses through this proxy or server (mode http only). */
    public HttpCounters http() {
        return http;
    }

    private final Frontend config;
    private final ConnectionLimiter limiter;
    private final AtomicLong sessionsTotal = new AtomicLong();
    private final AtomicInteger sessionsMax = new AtomicInteger();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    /**
     * Sessions per second. Every accepted connection is a session here (nothing refuses one in between, as
     * HAProxy's tcp-request connection rules can), so it is also the connection rate.
     */
    private final RateCounter sessionRate = new RateCounter();
    private final RateCounter processRate;
    /** Told of every stream that ends, on its event loop (the traffic log's seam, and tests'). */
    private volatile Consumer<Stream> streamEnded;

    /** @param processRate the whole process's connection rate, which this frontend's connections add to */
    FrontendState(Frontend config, ConnectionLimiter limiter, RateCounter processRate) {
        this.config = config;
        this.limiter = limiter;
        this.processRate = processRate;
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
        Consumer<Stream> c = streamEnded;
        if (c != null) {
            c.accept(stream);
        }
    }

    void onStreamEnd(Consumer<Stream> listener) {
        streamEnded = listener;
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
