package dev.bascule.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What a server's host name resolves to. The parser asks once per name and carries the answers beside the model
 * ({@link dev.bascule.config.model.Hosts}) for the runtime to connect to.
 */
@FunctionalInterface
public interface HostResolver {
    /** The system's resolver ({@link InetAddress#getByName}). */
    HostResolver SYSTEM = host -> {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    };

    /** @return the address, or null when the name does not resolve */
    InetAddress resolve(String host);
}
