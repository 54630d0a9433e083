package dev.bascule.config.model;

import java.util.List;

/**
 * A {@code server} line. A TCP address without port has {@link #SAME_PORT}: HAProxy then connects to the port
 * the client connected to. {@code unimplemented} holds the options Bascule parses but
 * does not act upon yet, as written ({@code "check"}, {@code "inter 2s"}).
 */
public record Server(String name, Source source, Address address, int weight, List<String> unimplemented) {
    public static final int SAME_PORT = -1;
    public static final int DEFAULT_WEIGHT = 1;

    public Server {
        unimplemented = List.copyOf(unimplemented);
    }
}
