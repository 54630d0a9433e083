package dev.bascule.config.model;

/**
 * One {@code log} line (doc section 4.2 "log"): where lines go, how they are framed, and which levels pass.
 *
 * @param transport how the lines travel: a UDP datagram (the default, port 514), a TCP stream ({@code tcp@}), a
 *                  Unix datagram socket ({@code /dev/log}), or a file descriptor ({@code stdout}, {@code stderr},
 *                  {@code fd@N})
 * @param address   the host and port or the socket path; for a file descriptor its number ({@link Address#fd})
 * @param maxLength {@code len}: a line is cut to this many bytes, its newline apart (1024 by default)
 * @param sample    {@code sample R:S}: which lines of every S this target takes, or null for all
 * @param facility  the syslog facility's number (local0 is 16)
 * @param level     the least important level sent (7, debug, when not given: everything)
 * @param minLevel  more important levels are lowered to this one (0, emerg, when not given: none)
 */
public record LogTarget(Source source, Transport transport, Address address, int maxLength, Framing framing,
                        Sample sample, int facility, int level, int minLevel) {
    public static final int DEFAULT_LENGTH = 1024;
    public static final int DEFAULT_UDP_PORT = 514;
    /** HAProxy's facility names, in their syslog numbers' order. */
    public static final java.util.List<String> FACILITIES = java.util.List.of("kern", "user", "mail", "daemon",
            "auth", "syslog", "lpr", "news", "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");
    /** Syslog's levels, most important first: a level's number is its index. */
    public static final java.util.List<String> LEVELS = java.util.List.of("emerg", "alert", "crit", "err",
            "warning", "notice", "info", "debug");
    public static final int EMERG = 0;
    public static final int ALERT = 1;
    public static final int ERR = 3;
    public static final int WARNING = 4;
    public static final int NOTICE = 5;
    public static final int INFO = 6;

    public enum Transport { UDP, TCP, UNIX, FD }

    /** {@code format}: the header put before each message. */
    public enum Framing {
        RFC3164, RFC5424, SHORT, RAW, ISO, TIMED, PRIORITY;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * {@code sample R:S}: the target takes the lines whose rank, counted from 1 and modulo {@code size}, is in
     * one of {@code ranges} (pairs of first and last rank, inclusive).
     */
    public record Sample(java.util.List<Integer> ranges, int size) {
        public Sample {
            ranges = java.util.List.copyOf(ranges);
        }

        public boolean takes(long rank) {
            long r = (rank - 1) % size + 1;
            for (int i = 0; i < ranges.size(); i += 2) {
                if (r >= ranges.get(i) && r <= ranges.get(i + 1)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The level a line of {@code level} goes out with here, or -1 when this target does not take it. */
    public int levelFor(int level) {
        if (level > this.level) {
            return -1;
        }
        return Math.max(level, minLevel);
    }

    /** Positions are not part of a model's identity: see {@link Values}. */
    @Override
    public boolean equals(Object o) {
        return Values.equal(this, o);
    }

    @Override
    public int hashCode() {
        return Values.hash(this);
    }
}
