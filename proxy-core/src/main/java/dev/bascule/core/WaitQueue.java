package dev.bascule.core;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connections waiting for a server slot, oldest first: a backend's queue (any server will do) or a server's own
 * (the request is tied to that server by a cookie or a hash), as HAProxy keeps both. Slots are handed over at
 * dequeue time ({@link #handNext}): the oldest waiter still there gets the slot, never a waiter that left.
 */
public final class WaitQueue {
    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger length = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();
    /** Waiters handed a slot so far: HAProxy's queue index, from which a log's %sq and %bq are counted. */
    private final AtomicLong served = new AtomicLong();

    void add(Waiter w) {
        w.joined(served.get());
        waiters.add(w);
        max.accumulateAndGet(length.incrementAndGet(), Math::max);
    }

    /** A waiter gave up ({@code timeout queue}, client gone); false when it had already been handed something. */
    boolean cancel(Waiter w) {
        if (!w.cancel(served.get())) {
            return false;
        }
        if (waiters.remove(w)) {
            length.decrementAndGet();
        }
        return true;
    }

    /**
     * Hands {@code server}'s slot (taken for the purpose) to the oldest waiter still waiting.
     *
     * @return false when nobody waits: the caller still holds the slot
     */
    boolean handNext(ServerState server) {
        for (Waiter w; (w = waiters.poll()) != null; ) {
            length.decrementAndGet();
            if (w.hand(server, served.get())) {
                served.incrementAndGet();
                return true;
            }
        }
        return false;
    }

    /** Moves every waiter, oldest first, to the end of {@code other} (a reload's backend of the same name). */
    void moveTo(WaitQueue other) {
        for (Waiter w; (w = waiters.poll()) != null; ) {
            length.decrementAndGet();
            if (w.waiting()) {
                other.add(w);
            }
        }
    }

    /** Sends everybody back to the balancer (their server went DOWN or into maintenance). */
    void redispatchAll() {
        while (handNext(null)) {
            // each waiter picks again, on its own event loop
        }
    }

    public int length() {
        return length.get();
    }

    public int max() {
        return max.get();
    }
}
