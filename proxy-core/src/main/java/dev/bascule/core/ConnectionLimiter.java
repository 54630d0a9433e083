package dev.bascule.core;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@code maxconn}: counts connections and tells paused listeners when a slot frees. A frontend's limiter
 * has the global one as parent, so a connection needs a slot in both.
 */
public final class ConnectionLimiter {
    /** Changed by a reload; connections over a lowered limit stay, new ones wait below it. */
    private volatile int max;
    private final ConnectionLimiter parent;
    private final AtomicInteger current = new AtomicInteger();
    private final Queue<Runnable> paused = new ConcurrentLinkedQueue<>();

    /** @param max the limit; 0 counts without limiting */
    public ConnectionLimiter(int max, ConnectionLimiter parent) {
        this.max = max;
        this.parent = parent;
    }

    public boolean tryAcquire() {
        if (parent != null && !parent.tryAcquire()) {
            return false;
        }
        while (true) {
            int n = current.get();
            if (max > 0 && n >= max) {
                if (parent != null) {
                    parent.release();
                }
                return false;
            }
            if (current.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void release() {
        current.decrementAndGet();
        Runnable waiter;
        while ((waiter = paused.poll()) != null) {
            waiter.run();
        }
        if (parent != null) {
            parent.release();
        }
    }

    /** Runs {@code resume} once, at the next release here or in the parent. */
    public void onRelease(Runnable resume) {
        paused.add(resume);
        if (parent != null) {
            parent.onRelease(resume);
        }
    }

    /** A reload's new {@code maxconn}, for the connections that come next. */
    void max(int max) {
        this.max = max;
    }

    public int current() {
        return current.get();
    }
}
