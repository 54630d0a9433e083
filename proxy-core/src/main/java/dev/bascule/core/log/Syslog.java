package dev.bascule.core.log;

import dev.bascule.config.model.LogTarget;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The header HAProxy puts before a message for each {@code format} of a {@code log} line, and the line's end: it
 * is cut to the target's {@code len}, then ended by a newline (on every transport, as HAProxy 2.6 sends them).
 * <pre>
 * rfc3164   &lt;134&gt;Dec  2 14:18:30 [host ]haproxy[21059]: msg
 * rfc5424   &lt;134&gt;1 2026-12-02T14:18:30.980722+00:00 host|- haproxy 21059 - sd msg
 * short     &lt;6&gt;msg           priority  &lt;134&gt;msg         raw   msg
 * iso       2026-12-02T14:18:30.980722+00:00 msg       timed &lt;6&gt;2026-12-02T14:18:30.980722+00:00 msg
 * </pre>
 */
final class Syslog {
    private Syslog() {
    }

    /**
     * @param hostname the {@code log-send-hostname} name, or null
     * @param sd       the structured data of an rfc5424 line ({@code log-format-sd}, "- " by default)
     */
    static void header(StringBuilder out, Dates dates, LogTarget t, int level, String tag, String hostname, long pid,
                       long nowMicros, CharSequence sd) {
        int priority = t.facility() * 8 + level;
        switch (t.framing()) {
            case RFC3164 -> {
                out.append('<').append(priority).append('>');
                dates.rfc3164(out, nowMicros / 1000);
                out.append(' ');
                if (hostname != null) {
                    out.append(hostname).append(' ');
                }
                out.append(tag).append('[').append(pid).append("]: ");
            }
            case RFC5424 -> {
                out.append('<').append(priority).append(">1 ");
                dates.iso(out, nowMicros);
                out.append(' ').append(hostname != null ? hostname : "-").append(' ').append(tag).append(' ')
                        .append(pid).append(" - ").append(sd);
            }
            case SHORT -> out.append('<').append(level).append('>');
            case PRIORITY -> out.append('<').append(priority).append('>');
            case RAW -> {
            }
            case ISO -> {
                dates.iso(out, nowMicros);
                out.append(' ');
            }
            case TIMED -> {
                out.append('<').append(level).append('>');
                dates.iso(out, nowMicros);
                out.append(' ');
            }
        }
    }

    /** Writes the header and the message into {@code buf}, cut at the target's {@code len}, and the newline. */
    static void write(ByteBuf buf, CharSequence header, CharSequence message, int maxLength) {
        int room = maxLength;
        int h = Math.min(header.length(), room);
        buf.writeCharSequence(h == header.length() ? header : header.subSequence(0, h), StandardCharsets.ISO_8859_1);
        room -= h;
        int m = Math.min(message.length(), room);
        buf.writeCharSequence(m == message.length() ? message : message.subSequence(0, m), StandardCharsets.ISO_8859_1);
        buf.writeByte('\n');
    }
}
