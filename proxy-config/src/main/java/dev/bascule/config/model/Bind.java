package dev.bascule.config.model;

/** One listening address of a frontend. */
public record Bind(Source source, Address address) {
    /** The TCP port, or -1 for a Unix socket or an inherited descriptor. */
    public int port() {
        return address.family() == Address.Family.INET ? address.port() : -1;
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
