package dev.bascule.core.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What a PROXY protocol header received on a client connection ({@code bind ... accept-proxy}) said: set on the
 * channel once the header is read, before the TLS handshake and the first stream. With the {@code PROXY} command and
 * a TCP family it names the connection's real client and the address it reached ({@code source}, {@code destination},
 * which then stand for the socket's everywhere a stream reads an address); with {@code LOCAL} (a health check of the
 * proxy in front) or a family Bascule does not relay (UDP, Unix, unspecified) both are null and the socket's stay.
 *
 * @param version   1 or 2
 * @param authority the version 2 header's authority TLV (the host name the client asked for), or null
 * @param uniqueId  its unique id TLV, or null
 */
public record ProxyHeader(int version, InetSocketAddress source, InetSocketAddress destination, String authority,
                          String uniqueId) {
    private static final AttributeKey<ProxyHeader> KEY = AttributeKey.valueOf("bascule.proxy-header");

    /** The header received on {@code ch}, or null when none was (the bind does not accept one). */
    public static ProxyHeader of(Channel ch) {
        return ch.hasAttr(KEY) ? ch.attr(KEY).get() : null;
    }

    void record(Channel ch) {
        ch.attr(KEY).set(this);
    }

    /** The client of a connection: the header's source when it named one, else the socket's peer. */
    public static SocketAddress client(Channel ch) {
        ProxyHeader h = of(ch);
        return h != null && h.source != null ? h.source : ch.remoteAddress();
    }

    /** The address the client reached: the header's destination when it named one, else the socket's own. */
    public static SocketAddress destination(Channel ch) {
        ProxyHeader h = of(ch);
        return h != null && h.destination != null ? h.destination : ch.localAddress();
    }
}
