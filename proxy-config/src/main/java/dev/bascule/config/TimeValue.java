package dev.bascule.config;

import java.util.Locale;

/** HAProxy time values: a number with an optional unit (us, ms, s, m, h, d); no unit means milliseconds. */
public final class TimeValue {
    private TimeValue() {
    }

    /**
     * @return milliseconds
     * @throws IllegalArgumentException with a message an operator can act on
     */
    public static long parseMillis(String text) {
        int i = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a time value: expected a number with an "
                    + "optional unit among us, ms, s, m, h, d (no unit means milliseconds)");
        }
        long n;
        try {
            n = Long.parseLong(text.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("time value '" + text + "' is too large");
        }
        String unit = text.substring(i).toLowerCase(Locale.ROOT);
        long ms;
        try {
            ms = toMillis(n, unit, text, i);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("time value '" + text + "' is too large");
        }
        if (ms > Integer.MAX_VALUE) {
            // HAProxy stores timeouts in a signed 32-bit count of milliseconds (about 24.8 days).
            throw new IllegalArgumentException("time value '" + text + "' is over the maximum of 2147483647 ms");
        }
        return ms;
    }

    private static long toMillis(long n, String unit, String text, int i) {
        return switch (unit) {
            case "", "ms" -> n;
            case "us" -> (n + 999) / 1000;
            case "s" -> Math.multiplyExact(n, 1000L);
            case "m" -> Math.multiplyExact(n, 60_000L);
            case "h" -> Math.multiplyExact(n, 3_600_000L);
            case "d" -> Math.multiplyExact(n, 86_400_000L);
            default -> throw new IllegalArgumentException("unexpected character '" + text.charAt(i)
                    + "' in time value '" + text + "': units are us, ms, s, m, h, d");
        };
    }
}
