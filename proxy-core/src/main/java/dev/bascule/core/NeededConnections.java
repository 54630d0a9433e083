package dev.bascule.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many connections to one server the proxy needs, estimated as HAProxy 2.6 does (a server's {@code
 * max_used_conns} and {@code est_need_conns}): the most in use at once since the last purge, and an estimate that
 * rises with every peak and, at each purge, moves half way down to the last period's peak. It decides which
 * finished connections are kept idle and how many idle ones a purge closes, so that clients idling between
 * requests do not hold as many idle server connections: a connection is kept while the in-use and idle ones do
 * not exceed the estimate, and every {@code pool-purge-delay} half of the idle ones beyond it are closed.
 * <p>
 * Shared by the event loops; the counts are not exact under a race (HAProxy's neither), only the estimate's order
 * of magnitude matters.
 */
public final class NeededConnections {
    /** Since the last purge ({@code max_used_conns}). */
    private final AtomicInteger maxUsed = new AtomicInteger();
    /** {@code est_need_conns}. */
    private final AtomicInteger estimate = new AtomicInteger();
    /** The purge period in progress: when it began, and what it decided (guarded by this). */
    private long periodStart;
    private boolean periodStarted;
    private int periodExcess;
    private int periodIdle;

    /** A connection is taken into use: {@code inUse} are now in use, this one included. */
    void inUse(int inUse) {
        // Read before writing: a write per request would bounce the line between event loops.
        if (maxUsed.get() < inUse) {
            maxUsed.accumulateAndGet(inUse, Math::max);
        }
        if (estimate.get() < inUse) {
            estimate.accumulateAndGet(inUse, Math::max);
        }
    }

    public int estimate() {
        return estimate.get();
    }

    /**
     * Whether a finished connection may be kept idle beside the others: the connections in use ({@code used}, the
     * finished one included) and idle ({@code idle}, in every loop) stay within the estimate. ({@code pool-low-conn},
     * which would add to it, is not applied yet.)
     */
    public boolean roomFor(int used, int idle) {
        return used + idle <= Math.max(used, estimate.get());
    }

    /**
     * One event loop's purge: how many of its {@code loopIdle} idle connections to close. The first loop of a
     * period decides for every loop, from the server's counts then: half (rounded up) of the connections beyond
     * what was needed, shared between the loops by their idle connections; then the estimate moves half way down
     * to the period's peak and a new period's peak begins.
     *
     * @param periodNanos the purge delay: loops whose purge comes within it of the first share its decision
     */
    public synchronized int purge(long now, long periodNanos, int used, int idle, int loopIdle) {
        if (!periodStarted || now - periodStart >= periodNanos * 9 / 10) {
            periodStarted = true;
            periodStart = now;
            int peak = maxUsed.get();
            int est = estimate.get();
            int exceed = used + idle - Math.max(peak, est);
            periodExcess = exceed <= 0 ? 0 : exceed / 2 + (exceed & 1);
            periodIdle = idle;
            estimate.set(Math.max((est + peak) / 2, peak));
            maxUsed.set(used);
        }
        if (periodExcess <= 0 || periodIdle <= 0 || loopIdle <= 0) {
            return 0;
        }
        // HAProxy's share per thread: proportional to its idle connections, plus one.
        return (int) Math.min(loopIdle, (long) periodExcess * loopIdle / periodIdle + 1);
    }
}
