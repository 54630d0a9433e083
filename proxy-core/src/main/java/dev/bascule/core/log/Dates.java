package dev.bascule.core.log;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The dates of log lines in HAProxy's shapes, written into a builder without a formatter: the calendar fields
 * of a second are worked out once and kept (one instance per event loop, as lines of the same second follow each
 * other).
 */
final class Dates {
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};

    private final ZoneId zone = ZoneId.systemDefault();
    private long localSecond = Long.MIN_VALUE;
    private LocalDateTime local;
    private int offsetSeconds;
    private long utcSecond = Long.MIN_VALUE;
    private LocalDateTime utc;

    private void local(long millis) {
        long second = Math.floorDiv(millis, 1000);
        if (second != localSecond) {
            Instant i = Instant.ofEpochSecond(second);
            ZoneOffset o = zone.getRules().getOffset(i);
            offsetSeconds = o.getTotalSeconds();
            local = LocalDateTime.ofEpochSecond(second, 0, o);
            localSecond = second;
        }
    }

    private void utc(long millis) {
        long second = Math.floorDiv(millis, 1000);
        if (second != utcSecond) {
            utc = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            utcSecond = second;
        }
    }

    /** {@code %t}, {@code %tr}: {@code 02/Dec/2026:14:18:30.979}, local time. */
    void haproxy(StringBuilder out, long millis) {
        local(millis);
        day(out, local);
        out.append('.');
        pad(out, (int) Math.floorMod(millis, 1000), 3);
    }

    /** {@code %T}, {@code %trg}: {@code 02/Dec/2026:14:18:30 +0000}, in GMT. */
    void gmt(StringBuilder out, long millis) {
        utc(millis);
        day(out, utc);
        out.append(" +0000");
    }

    /** {@code %Tl}, {@code %trl}: {@code 02/Dec/2026:14:18:30 +0100}, local time. */
    void localWithZone(StringBuilder out, long millis) {
        local(millis);
        day(out, local);
        out.append(' ');
        zone(out, false);
    }

    /** rfc3164's {@code Dec  2 14:18:30}, local time. */
    void rfc3164(StringBuilder out, long millis) {
        local(millis);
        out.append(MONTHS[local.getMonthValue() - 1]).append(' ');
        if (local.getDayOfMonth() < 10) {
            out.append(' ');
        }
        out.append(local.getDayOfMonth()).append(' ');
        time(out, local);
    }

    /** rfc5424's and {@code iso}'s {@code 2026-12-02T14:18:30.980722+00:00}, local time, in microseconds. */
    void iso(StringBuilder out, long micros) {
        long millis = Math.floorDiv(micros, 1000);
        local(millis);
        pad(out, local.getYear(), 4);
        out.append('-');
        pad(out, local.getMonthValue(), 2);
        out.append('-');
        pad(out, local.getDayOfMonth(), 2);
        out.append('T');
        time(out, local);
        out.append('.');
        pad(out, (int) Math.floorMod(micros, 1_000_000), 6);
        zone(out, true);
    }

    private static void day(StringBuilder out, LocalDateTime t) {
        pad(out, t.getDayOfMonth(), 2);
        out.append('/').append(MONTHS[t.getMonthValue() - 1]).append('/');
        pad(out, t.getYear(), 4);
        out.append(':');
        time(out, t);
    }

    private static void time(StringBuilder out, LocalDateTime t) {
        pad(out, t.getHour(), 2);
        out.append(':');
        pad(out, t.getMinute(), 2);
        out.append(':');
        pad(out, t.getSecond(), 2);
    }

    private void zone(StringBuilder out, boolean colon) {
        int o = Math.abs(offsetSeconds) / 60;
        out.append(offsetSeconds < 0 ? '-' : '+');
        pad(out, o / 60, 2);
        if (colon) {
            out.append(':');
        }
        pad(out, o % 60, 2);
    }

    static void pad(StringBuilder out, int value, int width) {
        for (int p = 10, w = 1; w < width; w++, p *= 10) {
            if (value < p) {
                out.append('0');
            }
        }
        out.append(value);
    }
}
