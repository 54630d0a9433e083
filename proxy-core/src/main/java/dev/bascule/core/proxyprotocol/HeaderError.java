package dev.bascule.core.proxyprotocol;

/** Why a connection that had to begin with a PROXY protocol header was closed, in HAProxy's words for its log. */
public enum HeaderError {
    NOT_A_HEADER("Received something which does not look like a PROXY protocol header"),
    INVALID("Received an invalid PROXY protocol header"),
    TRUNCATED("Truncated PROXY protocol header received"),
    CLOSED("Connection closed while waiting for PROXY protocol header"),
    ABORTED("Connection error while waiting for PROXY protocol header"),
    TIMEOUT("Timeout while waiting for PROXY protocol header");

    private final String message;

    HeaderError(String message) {
        this.message = message;
    }

    /**
     * Whether {@code option dontlognull} writes no line for it: a connection that closed, failed or timed out without
     * bringing anything judged (HAProxy 2.6 measured: its silent timeout is not logged either).
     */
    public boolean isNull() {
        return this == CLOSED || this == ABORTED || this == TIMEOUT;
    }

    /** The connection error line's reason. */
    public String message() {
        return message;
    }
}
