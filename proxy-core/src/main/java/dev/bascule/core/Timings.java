package dev.bascule.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A backend's session timings as Micrometer timers with histograms (HAProxy's exporter only has averages):
 * time waiting in the queue, time to connect to the server, and the whole session. The stats' qtime, ctime
 * and ttime columns are their means, so the page, the CSV and Prometheus read the same numbers.
 */
public final class Timings {
    private final Timer queue;
    private final Timer connect;
    private final Timer total;

    Timings(MeterRegistry registry, String backend) {
        queue = timer(registry, "haproxy.backend.queue.time", backend, "time spent waiting for a server slot");
        connect = timer(registry, "haproxy.backend.connect.time", backend, "time to connect to a server");
        total = timer(registry, "haproxy.backend.total.time", backend, "whole session time, accept to close");
    }

    private static Timer timer(MeterRegistry registry, String name, String backend, String description) {
        return Timer.builder(name).description(description).tag("proxy", backend)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    public void queued(long nanos) {
        queue.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void connected(long nanos) {
        connect.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void ended(long nanos) {
        total.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Mean times in milliseconds, as the stats' qtime, ctime and ttime; 0 before any session. */
    public long queueMillis() {
        return (long) queue.mean(TimeUnit.MILLISECONDS);
    }

    public long connectMillis() {
        return (long) connect.mean(TimeUnit.MILLISECONDS);
    }

    public long totalMillis() {
        return (long) total.mean(TimeUnit.MILLISECONDS);
    }
}
