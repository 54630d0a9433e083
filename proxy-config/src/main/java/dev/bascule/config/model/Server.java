package dev.bascule.config.model;

import java.util.List;

/**
 * A {@code server} line. {@code port} is {@link #SAME_PORT} when the line gives none: HAProxy then
 * connects to the port the client connected to. {@code unimplemented} holds the options Bascule parses but
 * does not act upon yet, as written ({@code "check"}, {@code "inter 2s"}).
 */
public record Server(String name, Source source, String host, int port, int weight, List<String> unimplemented) {
    public Server {
        unimplemented = List.copyOf(unimplemented);
    }

    public static final int SAME_PORT = -1;
    public static final int DEFAULT_WEIGHT = 1;

    public String address() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == SAME_PORT ? h : h + ":" + port;
    }
}
