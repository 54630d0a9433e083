package dev.bascule.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeValueTest {
    @Test
    void haproxy_units() {
        assertEquals(5000, TimeValue.parseMillis("5000"));
        assertEquals(5000, TimeValue.parseMillis("5000ms"));
        assertEquals(10_000, TimeValue.parseMillis("10s"));
        assertEquals(300_000, TimeValue.parseMillis("5m"));
        assertEquals(3_600_000, TimeValue.parseMillis("1h"));
        assertEquals(86_400_000, TimeValue.parseMillis("1d"));
        assertEquals(2, TimeValue.parseMillis("1500us"));
    }

    @Test
    void bad_values_say_what_is_expected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TimeValue.parseMillis("5x"))
                .getMessage().contains("units are us, ms, s, m, h, d"));
        assertThrows(IllegalArgumentException.class, () -> TimeValue.parseMillis("s"));
        assertThrows(IllegalArgumentException.class, () -> TimeValue.parseMillis("30d"));
    }
}
