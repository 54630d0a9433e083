package dev.bascule.core.http;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HAProxy 2.6's estimate of the connections a server needs, which decides what idle ones are kept and purged. */
class NeededConnectionsTest {
    @Test
    void a_released_connection_is_kept_while_in_use_and_idle_stay_within_the_peak() {
        NeededConnections need = new NeededConnections();
        for (int i = 0; i < 3; i++) {
            need.taken();
        }
        assertEquals(3, need.estimate());
        need.released();
        assertTrue(need.roomFor(0), "two still in use, this one idle: within the three used at once");
        need.released();
        need.released();
        assertTrue(need.roomFor(2), "the last one released beside the two others");
        assertFalse(need.roomFor(3), "a fourth idle one would be more than was ever needed");
    }

    @Test
    void each_purge_closes_half_the_excess_and_the_estimate_falls_to_the_last_peak() {
        NeededConnections need = new NeededConnections();
        for (int i = 0; i < 100; i++) {
            need.taken();
        }
        for (int i = 0; i < 100; i++) {
            need.released();
        }
        // 100 clients went idle after one request each: their 100 connections idle, none in use.
        int idle = 100;
        List<Integer> closed = new ArrayList<>();
        for (int period = 0; period < 12 && idle > 0; period++) {
            int n = need.purge(idle);
            closed.add(n);
            idle -= n;
        }
        // The peak of 100 holds for the first period, the estimate halves in the second, then half the excess
        // (rounded up, plus one as HAProxy's share per thread) goes each time, until none is left.
        assertEquals("[0, 0, 26, 26, 19, 13, 8, 5, 3]", closed.toString());
        assertEquals(0, idle);
    }

    @Test
    void connections_in_use_count_against_the_excess() {
        NeededConnections need = new NeededConnections();
        for (int i = 0; i < 4; i++) {
            need.taken();
        }
        need.released();
        need.released();
        assertEquals(0, need.purge(2), "two in use and two idle: the four needed");
        assertEquals(0, need.purge(2), "the estimate, 4 until this purge, still covers them");
        assertEquals(2, need.used());
    }
}
