package dev.bascule.core.balance;

import io.netty.handler.codec.http.HttpRequest;

import java.net.SocketAddress;

/**
 * What a hashing balancer hashes (HAProxy's {@code get_server_sh}, {@code _uh}, {@code _ph}, {@code _hh} and
 * {@code _expr} in {@code backend.c}), already run through the backend's hash function and modifier.
 */
@FunctionalInterface
public interface HashKey {
    /** The request carries no such key (no header, no parameter, mode tcp): the balancer falls back to round robin. */
    long NONE = -1;

    /** @return the unsigned 32-bit hash, or {@link #NONE} */
    long hash(SocketAddress client, HttpRequest request);
}
