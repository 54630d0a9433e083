package dev.bascule.core;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sliding window driven by a hand-moved clock: every figure below is exact. */
class RateCounterTest {
    private final AtomicLong now = new AtomicLong(5_000);
    private final RateCounter rate = new RateCounter(now::get);

    private static void record(RateCounter counter, int n) {
        for (int i = 0; i < n; i++) {
            counter.record();
        }
    }

    @Test
    void counts_the_events_of_the_current_second() {
        assertEquals(0, rate.rate());
        record(rate, 3);
        now.set(5_999);
        assertEquals(3, rate.rate());
        assertEquals(3, rate.max());
    }

    @Test
    void weights_the_previous_second_by_what_is_left_of_it_in_the_window() {
        record(rate, 100);
        now.set(6_250);
        record(rate, 10);
        // a quarter into the new second: three quarters of the previous 100 still count
        assertEquals(75 + 10, rate.rate());
        now.set(6_900);
        assertEquals(10 + 10, rate.rate());
        assertEquals(100, rate.max());
    }

    @Test
    void forgets_seconds_older_than_the_previous_one() {
        record(rate, 40);
        now.set(7_000);
        assertEquals(0, rate.rate(), "a whole second without events");
        record(rate, 1);
        assertEquals(1, rate.rate());
        assertEquals(40, rate.max());
    }

    @Test
    void the_maximum_is_the_busiest_second_not_the_interpolated_rate() {
        record(rate, 5);
        now.set(6_000);
        record(rate, 7);
        // the sliding rate reaches 12 at the turn of the second; HAProxy's maximum is per second
        assertEquals(12, rate.rate());
        assertEquals(7, rate.max());
    }

    @Test
    void an_event_timed_just_before_the_window_moved_counts_in_the_current_second() {
        now.set(6_000);
        record(rate, 2);
        now.set(5_999);
        record(rate, 1);
        now.set(6_000);
        assertEquals(3, rate.rate());
    }

    @Test
    void works_across_the_wrap_of_its_second_field() {
        long wrap = (1L << 24) * 1000;
        now.set(wrap - 1);
        RateCounter rate = new RateCounter(now::get);
        record(rate, 10);
        now.set(wrap + 500);
        assertEquals(5, rate.rate());
    }

    @Test
    void a_negative_clock_reading_is_a_second_like_any_other() {
        now.set(-1_500);
        RateCounter rate = new RateCounter(now::get);
        record(rate, 4);
        now.set(-750);
        assertEquals(4 * 750 / 1000, rate.rate());
    }
}
