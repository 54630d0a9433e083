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

    /** The connection error line's reason. */
    public String message() {
        return message;
    }
}
