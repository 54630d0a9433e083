package dev.bascule.core.dns;

/**
 * What follows a {@link Resolution}: a server's A/AAAA name ({@link ServerRequester}) or a template's SRV label
 * ({@link SrvRequest}). Called on the section's event loop.
 */
interface Requester {
    /** The name it follows and the record type it asks first. */
    String name();

    int preferredType();

    /**
     * A valid answer (or, for a new requester, the section's cached one).
     *
     * @param updater who gave it, in HAProxy's words: {@code <resolvers>/<nameserver>} for the first requester,
     *                {@code DNS cache} for the others
     */
    void answered(Resolution r, String updater, long now);

    /**
     * The resolution has ended in error for longer than its status's {@code hold} period.
     *
     * @param cause HAProxy's words for it: {@code DNS NX status}, {@code DNS timeout status}, ...
     */
    void lost(Resolution r, String cause);
}
