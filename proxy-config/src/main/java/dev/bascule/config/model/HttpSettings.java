package dev.bascule.config.model;

/**
 * A proxy's HTTP-mode keywords (doc section 4.2).
 *
 * @param connection  which {@code option httpclose|http-server-close|http-keep-alive} was last written
 * @param forwardFor  {@code option forwardfor}: the client's address, or null when off
 * @param originalTo  {@code option originalto}: the address the client connected to, or null when off
 * @param monitorUri  {@code monitor-uri}, answered locally with 200, or null
 * @param errorFiles  {@code errorfile}, {@code errorfiles}, {@code errorloc*}, {@code http-error}: status code to the
 *                    page sent instead of HAProxy's
 * @param httpResponse      the section's {@code http-response} rules, in order (a backend's run before its
 *                          frontend's)
 * @param httpAfterResponse its {@code http-after-response} rules, which also see the proxy's own answers
 */
public record HttpSettings(ConnectionMode connection, AddressHeader forwardFor, AddressHeader originalTo,
                           String monitorUri, java.util.Map<Integer, ErrorPage> errorFiles, Reuse reuse,
                           java.util.List<HttpRule> httpResponse, java.util.List<HttpRule> httpAfterResponse,
                           boolean bufferRequest) {
    public static final HttpSettings NONE = new HttpSettings(ConnectionMode.KEEP_ALIVE, null, null, null,
            java.util.Map.of(), Reuse.SAFE, java.util.List.of(), java.util.List.of(), false);

    /**
     * {@code http-reuse}: which requests may be sent over an idle server connection another client opened.
     * NEVER keeps a server connection private to the client connection that opened it; SAFE (the default) lets
     * only a client's later requests take shared idle connections; AGGRESSIVE lets a first request take one
     * that already served a second request (so the server is known to keep connections); ALWAYS any.
     */
    public enum Reuse { NEVER, SAFE, AGGRESSIVE, ALWAYS }

    public HttpSettings {
        errorFiles = java.util.Map.copyOf(errorFiles);
        httpResponse = java.util.List.copyOf(httpResponse);
        httpAfterResponse = java.util.List.copyOf(httpAfterResponse);
    }

    /** HAProxy's connection modes; when frontend and backend differ, the one closing more wins. */
    public enum ConnectionMode {
        KEEP_ALIVE, SERVER_CLOSE, CLOSE;

        public ConnectionMode strictest(ConnectionMode other) {
            return compareTo(other) >= 0 ? this : other;
        }
    }

    /**
     * {@code option forwardfor [except <network>] [header <name>] [if-none]} and
     * {@code option originalto [except <network>] [header <name>]}: a header carrying an address.
     *
     * @param except the {@code except} network, or null when none
     */
    public record AddressHeader(String header, Network except, boolean ifNone) {
        public static final String FORWARDED_FOR = "X-Forwarded-For";
        public static final String ORIGINAL_TO = "X-Original-To";

        /** Whether {@code address} lies in the {@code except} network, so gets no header. */
        public boolean excepted(byte[] address) {
            return except != null && except.contains(address);
        }
    }
}
