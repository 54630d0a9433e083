package dev.bascule.core.check;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * One check protocol, from connection to verdict: what it sends and how it judges what comes back.
 * A new instance runs each check, on the server's check event loop.
 */
interface Dialogue {
    /** Once connected: write the request, or return a verdict at once (a plain TCP check). */
    Verdict connected(Channel channel);

    /**
     * Everything received so far and not consumed; {@code closed} once the server has closed its side.
     * Returns the verdict, or null to wait for more. It may consume bytes and write the next request.
     */
    Verdict received(Channel channel, ByteBuf in, boolean closed);

    /** What a timeout after connecting means for this protocol (L7TOUT for most, L6TOUT for SSL). */
    default CheckStatus timeoutStatus() {
        return CheckStatus.L7TOUT;
    }

    /** HAProxy's info for a timeout: where the exchange was when time ran out, or null. */
    default String timeoutInfo() {
        return null;
    }

    /** A verdict before its duration is known. */
    record Verdict(CheckStatus status, int code, String info) {
        static Verdict of(CheckStatus status, String info) {
            return new Verdict(status, 0, info);
        }
    }
}
