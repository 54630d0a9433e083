package dev.bascule.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HAProxy 2.6's estimate of the connections a server needs, which decides what idle ones are kept and purged. */
class NeededConnectionsTest {
    private static final long PERIOD = 5_000_000_000L;

    @Test
    void a_finished_connection_is_kept_while_in_use_and_idle_stay_within_the_peak() {
        NeededConnections need = new NeededConnections();
        for (int i = 1; i <= 3; i++) {
            need.inUse(i);
        }
        assertEquals(3, need.estimate());
        assertTrue(need.roomFor(1, 2), "one finishing, two idle: the three the burst used");
        assertFalse(need.roomFor(1, 3), "a fourth would be more than was ever needed");
        assertTrue(need.roomFor(5, 0), "never fewer than those in use");
    }

    @Test
    void each_purge_closes_half_the_excess_and_the_estimate_falls_to_the_last_peak() {
        NeededConnections need = new NeededConnections();
        for (int i = 1; i <= 100; i++) {
            need.inUse(i);
        }
        // 100 clients went idle after one request each: their 100 connections idle, none in use.
        int idle = 100;
        long now = 0;
        int[] closed = new int[6];
        for (int period = 0; period < closed.length; period++, now += PERIOD) {
            closed[period] = need.purge(now, PERIOD, 0, idle, idle);
            idle -= closed[period];
        }
        // The peak of 100 holds for the first period, the estimate halves in the second, then half the excess
        // (rounded up, plus one as HAProxy's per-thread share) goes each time.
        assertEquals("[0, 0, 26, 26, 19, 13]", java.util.Arrays.toString(closed));
        for (int period = 0; period < 10 && idle > 0; period++, now += PERIOD) {
            idle -= need.purge(now, PERIOD, 0, idle, idle);
        }
        assertEquals(0, idle, "all closed once nobody uses the server");
        assertEquals(0, need.estimate());
    }

    @Test
    void event_loops_purging_within_one_period_share_its_decision() {
        NeededConnections need = new NeededConnections();
        need.inUse(1);
        // 40 idle, 20 on each of two loops, 1 needed: 39 too many, 20 to close, 10 (+1) from each loop.
        assertEquals(11, need.purge(0, PERIOD, 0, 40, 20));
        assertEquals(11, need.purge(PERIOD / 5, PERIOD, 0, 29, 20), "the second loop, a second later");
        assertEquals(1, need.estimate(), "one period: the estimate moved once");
        assertEquals(5, need.purge(PERIOD, PERIOD, 0, 18, 9), "the next period decides again: 9 of 18, 4 (+1) here");
    }
}
