package dev.bascule.core.http;

/**
 * How many connections to one server an event loop needs, estimated as HAProxy 2.6 estimates a server's ({@code
 * curr_used_conns}, {@code max_used_conns}, {@code est_need_conns}): those in use now, the most in use at once
 * since the last purge, and an estimate that rises with every peak and, at each purge, moves half way down to the
 * last period's peak. It decides which finished connections stay idle and how many idle ones a purge closes, so
 * that clients idle between requests do not each hold an idle server connection.
 * <p>
 * One per event loop and server, as the idle connections are (HAProxy's threads take each other's idle connections,
 * so it counts per server; a loop here cannot use another's, so each loop counts what it needs): touched by its loop
 * only.
 */
final class NeededConnections {
    private int used;
    private int maxUsed;
    private int estimate;

    /** A transaction took a connection to the server (new or idle). */
    void taken() {
        used++;
        maxUsed = Math.max(maxUsed, used);
        estimate = Math.max(estimate, used);
    }

    /** Its transaction ended: the connection is offered to the pool next, or closed. */
    void released() {
        used--;
    }

    int used() {
        return used;
    }

    int estimate() {
        return estimate;
    }

    /**
     * Whether a connection just released may stay idle beside {@code idle} others: HAProxy counts it as still in use
     * and keeps it while those in use and idle stay within the estimate ({@code pool-low-conn}, which would add to
     * it, is not applied yet).
     */
    boolean roomFor(int idle) {
        int inUse = used + 1;
        return inUse + idle <= Math.max(inUse, estimate);
    }

    /**
     * The purge, every {@code pool-purge-delay}: how many of the {@code idle} connections to close. Half (rounded
     * up) of those beyond what was needed, plus one as HAProxy's share per thread; then the estimate moves half way
     * down to the period's peak and a new period's peak begins.
     */
    int purge(int idle) {
        int exceed = used + idle - Math.max(maxUsed, estimate);
        estimate = Math.max((estimate + maxUsed) / 2, maxUsed);
        maxUsed = used;
        if (exceed <= 0) {
            return 0;
        }
        return Math.min(idle, exceed / 2 + (exceed & 1) + 1);
    }
}
