package dev.bascule.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * HAProxy's sliding window average (freq_ctr.h {@code swrate_add_dynamic}, {@code swrate_avg}): a sum that forgets
 * one n-th of itself at each new sample, so that sum / n approximates the mean of the last n samples without
 * keeping them. HAProxy keeps the stats' qtime, ctime, rtime and ttime so, with n = 1024; until a proxy or server
 * has seen 1024 samples nothing is forgotten and the CSV divides by the samples seen instead. One compare-and-set
 * per sample, no lock, no allocation.
 */
public final class SlidingAverage {
    /** HAProxy's TIME_STATS_SAMPLES. */
    public static final int SAMPLES = 1024;

    private final AtomicLong sum = new AtomicLong();

    /**
     * Adds {@code value}.
     *
     * @param seen how many samples the object had before this one: below {@link #SAMPLES} nothing is forgotten
     */
    public void add(long value, long seen) {
        long n = seen > SAMPLES ? SAMPLES : 0;
        long old;
        do {
            old = sum.get();
        } while (!sum.compareAndSet(old, old - (n == 0 ? 0 : (old + n - 1) / n) + value));
    }

    /** The window's sum. */
    public long sum() {
        return sum.get();
    }

    /** {@code swrate_avg(sum, window)}: the mean over {@code window} samples, rounded up. */
    public long average(long window) {
        return window <= 0 ? 0 : (sum.get() + window - 1) / window;
    }
}
