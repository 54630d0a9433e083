package dev.bascule.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** HAProxy's sliding averages (freq_ctr.h swrate_add_dynamic, swrate_avg) and the stats' two ways to read them. */
class PhaseTimesTest {
    @Test
    void below_1024_samples_nothing_is_forgotten_and_the_csv_divides_by_the_samples_seen() {
        PhaseTimes t = new PhaseTimes();
        for (int i = 1; i <= 3; i++) {
            t.record(0, 2, 5 * i, 100, i);
        }
        // rtime: 5, 10, 15 -> sum 30; the CSV's mean over 3 samples, the exporter's over 1024 (rounded up).
        assertEquals(10, t.average(PhaseTimes.Phase.RESPONSE, 3));
        assertEquals(1, t.exporterAverage(PhaseTimes.Phase.RESPONSE));
        assertEquals(15, t.max(PhaseTimes.Phase.RESPONSE));
        assertEquals(2, t.average(PhaseTimes.Phase.CONNECT, 3));
        assertEquals(0, t.average(PhaseTimes.Phase.QUEUE, 3));
        assertEquals(0, new PhaseTimes().average(PhaseTimes.Phase.TOTAL, 0), "no sample yet");
    }

    @Test
    void past_1024_samples_each_new_one_replaces_a_1024th_of_the_sum() {
        SlidingAverage a = new SlidingAverage();
        for (int i = 1; i <= 1024; i++) {
            a.add(10, i);
        }
        assertEquals(10240, a.sum());
        // sum - ceil(sum / 1024) + v, as HAProxy computes it: 10240 - 10 + 1034.
        a.add(1034, 1025);
        assertEquals(11264, a.sum());
        assertEquals(11, a.average(SlidingAverage.SAMPLES));
        for (int i = 0; i < 20_000; i++) {
            a.add(50, 2000 + i);
        }
        assertEquals(50, a.average(SlidingAverage.SAMPLES), "converges to the recent samples' mean");
    }
}
