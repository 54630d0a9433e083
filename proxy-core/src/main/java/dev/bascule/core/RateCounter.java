package dev.bascule.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Events per second over a sliding one-second window, as HAProxy's freq_ctr measures session, connection and
 * request rates: the count of the current second plus the previous second's count weighted by the part of it
 * still inside the window. It sits on the accept and request paths, so an event costs one compare-and-set
 * (plus a second one only when it sets a new maximum), without lock or allocation: the second, the previous
 * count and the current count share one {@code long}.
 */
public final class RateCounter {
    private static final int COUNT_BITS = 20;
    /** Counts saturate at about a million per second, far above what one proxy sees on one counter. */
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    /** 24 bits of seconds wrap after 194 days; only an idle gap of exactly that long would be misread. */
    private static final long SECOND_MASK = (1L << 24) - 1;
    private static final int SECOND_SHIFT = 2 * COUNT_BITS;

    private final LongSupplier clockMillis;
    /** second (24 bits) | previous second's count (20) | current second's count (20) */
    private final AtomicLong window;
    /** The highest count of events within one second, as HAProxy's *_max columns keep it. */
    private final AtomicInteger max = new AtomicInteger();

    public RateCounter() {
        this(RateCounter::monotonicMillis);
    }

    /** @param clockMillis a monotonic clock in milliseconds (tests drive their own) */
    public RateCounter(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        // Starts at the current second, so that no clock reading looks older than an empty window.
        this.window = new AtomicLong(second(clockMillis.getAsLong()) << SECOND_SHIFT);
    }

    private static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /** Counts one event now. */
    public void record() {
        long second = second(clockMillis.getAsLong());
        while (true) {
            long w = window.get();
            long moved = moveTo(w, second);
            long count = Math.min(COUNT_MASK, (moved & COUNT_MASK) + 1);
            if (window.compareAndSet(w, moved & ~COUNT_MASK | count)) {
                if (count > max.get()) {
                    max.accumulateAndGet((int) count, Math::max);
                }
                return;
            }
        }
    }

    /** Events over the last second: the current second's plus the unexpired share of the previous one's. */
    public int rate() {
        long now = clockMillis.getAsLong();
        long w = moveTo(window.get(), second(now));
        long previous = w >>> COUNT_BITS & COUNT_MASK;
        long current = w & COUNT_MASK;
        return (int) (current + previous * (1000 - Math.floorMod(now, 1000L)) / 1000);
    }

    /** The highest number of events counted within one second so far. */
    public int max() {
        return max.get();
    }

    private static long second(long millis) {
        return Math.floorDiv(millis, 1000L) & SECOND_MASK;
    }

    /**
     * The window as seen from {@code second}: unchanged, shifted by one second, or emptied. A thread that read
     * the clock just before another moved the window to the next second sees a second in the past: its event
     * counts in the current one.
     */
    private static long moveTo(long w, long second) {
        long elapsed = (second - (w >>> SECOND_SHIFT)) & SECOND_MASK;
        if (elapsed == 0 || elapsed > SECOND_MASK / 2) {
            return w;
        }
        long previous = elapsed == 1 ? w & COUNT_MASK : 0;
        return second << SECOND_SHIFT | previous << COUNT_BITS;
    }
}
