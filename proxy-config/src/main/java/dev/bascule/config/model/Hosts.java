package dev.bascule.config.model;

import java.net.InetAddress;
import java.util.Map;

/**
 * What the servers' host names resolved to when the configuration was read: the parser looks each one up once, so
 * that {@code -c} fails on a name that does not resolve, and the runtime connects to the answer instead of asking
 * again. Not part of the configuration's value (see {@link Values}): a name may resolve differently next time,
 * and a reload of an unchanged file must still see no change (a kept server keeps the address it had).
 */
public record Hosts(Map<String, InetAddress> addresses) {
    public Hosts {
        addresses = Map.copyOf(addresses);
    }

    /** What the name resolved to, or null when it did not (a server whose init-addr allows it starts without). */
    public InetAddress find(String host) {
        return addresses.get(host);
    }

    /** @throws IllegalArgumentException for a name the parser did not resolve: the model's own inconsistency */
    public InetAddress address(String host) {
        InetAddress a = addresses.get(host);
        if (a == null) {
            throw new IllegalArgumentException("host '" + host + "' was not resolved when the configuration was read");
        }
        return a;
    }
}
