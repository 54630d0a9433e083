package dev.bascule.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whether a server's host name resolves. The parser only asks, and keeps no answer in the model: a name may
 * resolve differently later, and the runtime resolves it again when it starts or reloads, so an answer in the
 * model would make two parses of one file unequal.
 */
@FunctionalInterface
public interface HostResolver {
    /** The system's resolver, as the runtime uses it ({@link InetAddress#getByName}). */
    HostResolver SYSTEM = host -> {
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    };

    boolean resolves(String host);
}
