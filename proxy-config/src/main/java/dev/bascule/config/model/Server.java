package dev.bascule.config.model;

/**
 * A {@code server} line. {@code port} is {@link #SAME_PORT} when the line gives none: HAProxy then
 * connects to the port the client connected to.
 */
public record Server(String name, Source source, String host, int port, int weight) {
    public static final int SAME_PORT = -1;
    public static final int DEFAULT_WEIGHT = 1;

    public String address() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == SAME_PORT ? h : h + ":" + port;
    }
}
