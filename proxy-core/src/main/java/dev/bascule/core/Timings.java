package dev.bascule.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A backend's session timings as Micrometer timers with histograms (HAProxy's exporter only has averages):
 * time waiting in the queue, time to connect to the server, and the whole client connection. Named
 * {@code bascule_backend_*} so that they can never collide with a family of HAProxy's exporter; the stats'
 * qtime, ctime and ttime are HAProxy's sliding averages ({@link PhaseTimes}), not these.
 */
public final class Timings {
    private final Timer queue;
    private final Timer connect;
    private final Timer total;

    Timings(MeterRegistry registry, String backend) {
        queue = timer(registry, "bascule.backend.queue.time", backend, "time spent waiting for a server slot");
        connect = timer(registry, "bascule.backend.connect.time", backend, "time to connect to a server");
        total = timer(registry, "bascule.backend.total.time", backend, "whole session time, accept to close");
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
}
