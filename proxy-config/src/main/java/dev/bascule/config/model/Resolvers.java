package dev.bascule.config.model;

import java.util.List;

/**
 * A {@code resolvers} section (doc section 5.3.2): the name servers asked for the servers that name it, how often
 * ({@code timeout resolve}), how hard ({@code resolve_retries}, {@code timeout retry}) and how long an answer or
 * an error holds ({@code hold}). {@code parse-resolv-conf} is read when the file is, so its name servers are among
 * {@link #nameservers()} (named after their address, as HAProxy names them).
 */
public record Resolvers(String name, Source source, List<Nameserver> nameservers, int resolveRetries,
                        long timeoutResolveMs, long timeoutRetryMs, Hold hold, int acceptedPayloadSize) {
    public static final int DEFAULT_RETRIES = 3;
    public static final long DEFAULT_TIMEOUT_MS = 1000;
    /** RFC 6891's minimum, which HAProxy announces unless told otherwise. */
    public static final int DEFAULT_PAYLOAD_SIZE = 512;

    public Resolvers {
        nameservers = List.copyOf(nameservers);
    }

    /** A {@code nameserver} line, or one of {@code /etc/resolv.conf}'s; reached over UDP. */
    public record Nameserver(String name, Address address, Source source) {
        @Override
        public boolean equals(Object o) {
            return Values.equal(this, o);
        }

        @Override
        public int hashCode() {
            return Values.hash(this);
        }
    }

    /**
     * The {@code hold} periods: how long the last good answer is kept while errors of each kind come back
     * ({@code nx}, {@code other}, {@code refused}, {@code timeout}), how long a {@code valid} answer is reused
     * before asking again, and how long an address missing from the answers is still kept ({@code obsolete}).
     */
    public record Hold(long nxMs, long otherMs, long refusedMs, long timeoutMs, long validMs, long obsoleteMs) {
        /** HAProxy's defaults: 10 s for valid, 0 for obsolete, 30 s for the others. */
        public static final Hold DEFAULT = new Hold(30_000, 30_000, 30_000, 30_000, 10_000, 0);

        public Hold with(String status, long ms) {
            return switch (status) {
                case "nx" -> new Hold(ms, otherMs, refusedMs, timeoutMs, validMs, obsoleteMs);
                case "other" -> new Hold(nxMs, ms, refusedMs, timeoutMs, validMs, obsoleteMs);
                case "refused" -> new Hold(nxMs, otherMs, ms, timeoutMs, validMs, obsoleteMs);
                case "timeout" -> new Hold(nxMs, otherMs, refusedMs, ms, validMs, obsoleteMs);
                case "valid" -> new Hold(nxMs, otherMs, refusedMs, timeoutMs, ms, obsoleteMs);
                case "obsolete" -> new Hold(nxMs, otherMs, refusedMs, timeoutMs, validMs, ms);
                default -> throw new IllegalArgumentException(status);
            };
        }
    }

    @Override
    public boolean equals(Object o) {
        return Values.equal(this, o);
    }

    @Override
    public int hashCode() {
        return Values.hash(this);
    }
}
