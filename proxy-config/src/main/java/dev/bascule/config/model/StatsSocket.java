package dev.bascule.config.model;

/**
 * A {@code stats socket} of the global section: the runtime API's address, the {@code level} of its commands
 * ({@code user}, {@code operator} or {@code admin}, the default) and, for a Unix socket, its {@code mode}
 * (octal permissions, or null to keep the umask's); {@code exposeFdListeners} is {@code expose-fd listeners}: the
 * socket hands the listening sockets to a new process that asks for them ({@code -x}).
 */
public record StatsSocket(Source source, Address address, String level, String mode, boolean exposeFdListeners) {
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
