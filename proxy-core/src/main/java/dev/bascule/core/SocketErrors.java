package dev.bascule.core;

/** The operating system's words for a socket error, as HAProxy prints them ("Connection refused"). */
public final class SocketErrors {
    private SocketErrors() {
    }

    /**
     * Netty says "connect(..) failed: Connection refused: /127.0.0.1:80" or "bind(..) failed: Address already
     * in use": keep the words, without the call or the address.
     */
    public static String describe(Throwable cause) {
        String m = cause.getMessage();
        if (m == null) {
            return cause.getClass().getSimpleName();
        }
        m = m.replaceFirst(":\\s*/\\S*$", "");
        int colon = m.lastIndexOf(": ");
        return colon >= 0 ? m.substring(colon + 2) : m;
    }
}
