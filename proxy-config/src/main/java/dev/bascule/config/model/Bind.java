package dev.bascule.config.model;

/** One listening address of a frontend. */
public record Bind(Source source, Address address) {
    /** The TCP port, or -1 for a Unix socket or an inherited descriptor. */
    public int port() {
        return address.family() == Address.Family.INET ? address.port() : -1;
    }
}
