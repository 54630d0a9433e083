package dev.bascule.config.model;

import java.util.List;

/**
 * A {@code server} line. A TCP address without port has {@link #SAME_PORT}: HAProxy then connects to the port
 * the client connected to. {@code id} is its numeric id ({@code id} keyword, else the next free one in declaration
 * order, as HAProxy numbers them). {@code maxconn} and {@code maxqueue} are 0 for no limit. {@code disabled} starts
 * it in maintenance. {@code cookie} is its persistence cookie value, or null. {@code unimplemented} holds the
 * options Bascule parses but does not act upon yet, as written ({@code "maxconn 100"}). {@code forcedId} says the
 * id came from the {@code id} keyword (HAProxy's SRV_F_FORCED_ID, which {@code show servers state} reports).
 * {@code tls} is its TLS ({@code ssl}, {@code check-ssl}), or null when neither is used. {@code dns} says how its
 * host name becomes an address (init-addr, resolvers). {@code sendProxy} is the PROXY protocol header its connections
 * begin with, or null.
 */
public record Server(String name, Source source, Address address, int id, boolean forcedId, int weight, int maxconn,
                     int maxqueue, boolean backup, boolean disabled, String cookie, ServerCheck check,
                     ServerTls tls, List<String> unimplemented, ServerDns dns, SendProxy sendProxy) {
    public static final int SAME_PORT = -1;
    public static final int DEFAULT_WEIGHT = 1;

    public Server {
        unimplemented = List.copyOf(unimplemented);
    }

    /** A server whose id is forced when non-zero (tests and tools build them this way). */
    public Server(String name, Source source, Address address, int id, int weight, int maxconn, int maxqueue,
                  boolean backup, boolean disabled, String cookie, ServerCheck check, List<String> unimplemented) {
        this(name, source, address, id, id != 0, weight, maxconn, maxqueue, backup, disabled, cookie, check,
                null, unimplemented, ServerDns.STATIC, null);
    }

    /** The same server numbered automatically, as HAProxy numbers a server line without {@code id}. */
    public Server withId(int id) {
        return new Server(name, source, address, id, false, weight, maxconn, maxqueue, backup, disabled, cookie,
                check, tls, unimplemented, dns, sendProxy);
    }

    /** Positions are not part of a model's identity: see {@link Values}. */
    @Override
    public boolean equals(Object o) {
        return Values.equal(this, o);
    }

    @Override
    public int hashCode() {
        return Values.hash(this);
    }
}
