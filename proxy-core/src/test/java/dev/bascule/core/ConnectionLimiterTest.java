package dev.bascule.core;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionLimiterTest {
    @Test
    void a_frontend_slot_needs_a_global_slot_too() {
        ConnectionLimiter global = new ConnectionLimiter(3, null);
        ConnectionLimiter fe1 = new ConnectionLimiter(2, global);
        ConnectionLimiter fe2 = new ConnectionLimiter(0, global);
        assertTrue(fe1.tryAcquire());
        assertTrue(fe1.tryAcquire());
        assertFalse(fe1.tryAcquire(), "frontend maxconn 2");
        assertEquals(2, global.current(), "a refused frontend acquire gives its global slot back");
        assertTrue(fe2.tryAcquire());
        assertFalse(fe2.tryAcquire(), "global maxconn 3");
        fe1.release();
        assertTrue(fe2.tryAcquire());
    }

    @Test
    void zero_counts_without_limiting() {
        ConnectionLimiter unlimited = new ConnectionLimiter(0, null);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(unlimited.tryAcquire());
        }
        assertEquals(10_000, unlimited.current());
    }

    @Test
    void a_paused_listener_is_resumed_once_by_the_next_release_here_or_in_the_parent() {
        ConnectionLimiter global = new ConnectionLimiter(1, null);
        ConnectionLimiter fe = new ConnectionLimiter(0, global);
        AtomicInteger resumed = new AtomicInteger();
        assertTrue(fe.tryAcquire());
        fe.onRelease(resumed::incrementAndGet);
        fe.release();
        assertTrue(resumed.get() >= 1);
        int after = resumed.get();
        assertTrue(fe.tryAcquire());
        fe.release();
        assertEquals(after, resumed.get(), "a resume runs once, not at every release");
    }
}
