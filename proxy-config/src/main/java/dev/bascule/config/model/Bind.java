package dev.bascule.config.model;

/** One listening address of a frontend, with its line's options ({@link BindOptions}). */
public record Bind(Source source, Address address, BindOptions options) {
    /** A bind without options. */
    public Bind(Source source, Address address) {
        this(source, address, BindOptions.NONE);
    }

    /** The TCP port, or -1 for a Unix socket or an inherited descriptor. */
    public int port() {
        return address.family() == Address.Family.INET ? address.port() : -1;
    }

    public Bind withOptions(BindOptions o) {
        return new Bind(source, address, o);
    }

    /** The TLS termination, or null for a plain listener. */
    public BindTls tls() {
        return options.tls();
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
