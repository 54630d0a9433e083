package dev.bascule.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * One connection waiting in a {@link WaitQueue} (HAProxy's pendconn). It leaves the queue exactly once: handed
 * a server slot taken on its behalf when one frees (so it cannot lose that slot to a newcomer, nor its place
 * in line to a race), sent back to the balancer when its server went away, or cancelled by its owner
 * ({@code timeout queue}, client gone). Whichever comes first wins; the others see it and do nothing.
 */
public final class Waiter {
    private static final int WAITING = 0;
    private static final int HANDED = 1;
    private static final int CANCELLED = 2;

    private final AtomicInteger state = new AtomicInteger(WAITING);
    private final BiConsumer<Waiter, ServerState> handed;
    /** The queue's served count when this waiter joined it. */
    private long joined;
    private volatile int position;

    /**
     * @param handed told, on whatever thread freed the slot, this waiter and the server whose slot it now holds,
     *               or null when it must pick again (its server went DOWN or into maintenance); it owns that slot
     *               from then on
     */
    public Waiter(BiConsumer<Waiter, ServerState> handed) {
        this.handed = handed;
    }

    void joined(long served) {
        joined = served;
    }

    /**
     * Its place when it left the queue, as HAProxy logs it ({@code %sq}, {@code %bq}): 1 + how many waiters were
     * handed a slot between its arrival and its leaving, handed a slot itself or not (the first in line is 1).
     */
    public int position() {
        return position;
    }

    private void left(long served) {
        position = (int) Math.min(Integer.MAX_VALUE, Math.max(0, served - joined) + 1);
    }

    /**
     * Gives the waiter {@code server}'s slot (already taken for it) or, with null, a new pick; false if it left.
     *
     * @param served the queue's served count before this one
     */
    boolean hand(ServerState server, long served) {
        if (!state.compareAndSet(WAITING, HANDED)) {
            return false;
        }
        left(served);
        handed.accept(this, server);
        return true;
    }

    /**
     * The owner gives up; false when it was already handed something, which it must then take or release.
     *
     * @param served the queue's served count now
     */
    boolean cancel(long served) {
        if (!state.compareAndSet(WAITING, CANCELLED)) {
            return false;
        }
        left(served);
        return true;
    }

    boolean waiting() {
        return state.get() == WAITING;
    }
}
