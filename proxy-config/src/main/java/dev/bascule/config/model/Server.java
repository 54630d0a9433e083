package dev.bascule.config.model;

import java.util.List;

/**
 * A {@code server} line. A TCP address without port has {@link #SAME_PORT}: HAProxy then connects to the port
 * the client connected to. {@code maxconn} is 0 for no limit. {@code disabled} starts it in maintenance. {@code unimplemented} holds the
 * options Bascule parses but does not act upon yet, as written ({@code "maxconn 100"}).
 */
public record Server(String name, Source source, Address address, int weight, int maxconn, boolean backup,
                     boolean disabled, ServerCheck check, List<String> unimplemented) {
    public static final int SAME_PORT = -1;
    public static final int DEFAULT_WEIGHT = 1;

    public Server {
        unimplemented = List.copyOf(unimplemented);
    }
}
