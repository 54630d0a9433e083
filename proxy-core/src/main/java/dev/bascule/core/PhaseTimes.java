package dev.bascule.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend's or a server's time per phase of its transactions, as HAProxy's stream_update_time_stats keeps them:
 * time in queue, to connect, to the response head (0 in TCP mode) and in total, each as a sliding average over the
 * last 1024 transactions ({@link SlidingAverage}) and as the highest seen. The stats' qtime, ctime, rtime, ttime and
 * their {@code _max}, and the exporter's {@code *_time_average_seconds} and {@code max_*_time_seconds}, read these.
 */
public final class PhaseTimes {
    public enum Phase { QUEUE, CONNECT, RESPONSE, TOTAL }

    private final SlidingAverage[] averages = new SlidingAverage[Phase.values().length];
    private final AtomicLong[] maxima = new AtomicLong[Phase.values().length];

    public PhaseTimes() {
        for (int i = 0; i < averages.length; i++) {
            averages[i] = new SlidingAverage();
            maxima[i] = new AtomicLong();
        }
    }

    /**
     * One transaction's times in milliseconds.
     *
     * @param seen transactions of the object before this one (its requests in HTTP mode, its sessions in TCP)
     */
    public void record(long queue, long connect, long response, long total, long seen) {
        add(Phase.QUEUE, queue, seen);
        add(Phase.CONNECT, connect, seen);
        add(Phase.RESPONSE, response, seen);
        add(Phase.TOTAL, total, seen);
    }

    private void add(Phase p, long millis, long seen) {
        averages[p.ordinal()].add(millis, seen);
        AtomicLong max = maxima[p.ordinal()];
        // Read before writing: the maximum rarely moves, and a write per transaction would bounce the line.
        if (millis > max.get()) {
            max.accumulateAndGet(millis, Math::max);
        }
    }

    /** The CSV's average: over the transactions seen while fewer than 1024, as HAProxy's stats do. */
    public long average(Phase p, long seen) {
        return averages[p.ordinal()].average(Math.min(seen, SlidingAverage.SAMPLES));
    }

    /** The exporter's average: always over 1024, as HAProxy's exporter divides (so it is low for a young proxy). */
    public long exporterAverage(Phase p) {
        return averages[p.ordinal()].average(SlidingAverage.SAMPLES);
    }

    public long max(Phase p) {
        return maxima[p.ordinal()].get();
    }
}
