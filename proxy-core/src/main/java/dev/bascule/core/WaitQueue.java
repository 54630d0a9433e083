package dev.bascule.core;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections waiting for a server slot, oldest first: a backend's queue (any server will do) or a server's own
 * (the request is tied to that server by a cookie or a hash), as HAProxy keeps both. A waiter is a wake-up
 * that runs at most once and must try to take a slot again, queueing itself anew if it loses the race.
 */
public final class WaitQueue {
    private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger length = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();

    void add(Runnable wake) {
        waiters.add(wake);
        max.accumulateAndGet(length.incrementAndGet(), Math::max);
    }

    /** A waiter gave up ({@code timeout queue}, client gone); false when it was already woken. */
    boolean remove(Runnable wake) {
        if (waiters.remove(wake)) {
            length.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Wakes the oldest waiter; false when nobody waits. */
    boolean wakeOne() {
        Runnable next = waiters.poll();
        if (next == null) {
            return false;
        }
        length.decrementAndGet();
        next.run();
        return true;
    }

    /** Wakes everybody, so that they look for another server (theirs went down). */
    void wakeAll() {
        while (wakeOne()) {
            // each waiter re-dispatches itself
        }
    }

    public int length() {
        return length.get();
    }

    public int max() {
        return max.get();
    }
}
