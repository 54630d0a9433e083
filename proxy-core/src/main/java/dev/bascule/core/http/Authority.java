package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The authority of an absolute-form request target ({@code http://host:port/path}). Against the request's
 * {@code Host}: when they differ, a server that reads one and a cache that reads the other would serve
 * different sites, so HAProxy refuses the request (400); both are compared without userinfo, without the
 * scheme's default port, and ignoring case. A default port written out is dropped from the target, and Host
 * is then set to the authority, as HAProxy's scheme-based normalization does.
 *
 * @param name        the authority without userinfo and without a default port
 * @param defaultPort the scheme's default port ({@code 80}, {@code 443}), or null for other schemes
 * @param portFrom    where {@code :port} starts in the target when that port is the default one, else -1
 * @param portTo      where that port ends in the target
 */
record Authority(String name, String defaultPort, int portFrom, int portTo) {
    private static final byte[] HTTP = HeadBytes.ascii("http");
    private static final byte[] HTTPS = HeadBytes.ascii("https");

    /** The authority of the target {@code [from, to)}, or null for a target that names none (origin form). */
    static Authority of(ByteBuf in, int from, int to) {
        if (in.getByte(from) == '/') {
            return null;
        }
        int colon = in.indexOf(from, to, (byte) ':');
        if (colon <= from || colon + 2 >= to || in.getByte(colon + 1) != '/' || in.getByte(colon + 2) != '/'
                || !HeadBytes.isToken(in, from, colon)) {
            return null;
        }
        int a = colon + 3;
        int b = a;
        while (b < to && in.getByte(b) != '/' && in.getByte(b) != '?') {
            b++;
        }
        int at = in.indexOf(a, b, (byte) '@');
        if (at >= 0) {
            a = at + 1;
        }
        if (a == b) {
            return null;
        }
        String defaultPort = HeadBytes.is(in, from, colon - from, HTTP) ? "80"
                : HeadBytes.is(in, from, colon - from, HTTPS) ? "443" : null;
        String written = in.toString(a, b - a, StandardCharsets.ISO_8859_1);
        String name = withoutDefaultPort(written, defaultPort);
        boolean portDropped = name.length() != written.length();
        return new Authority(name, defaultPort, portDropped ? a + name.length() - from : -1, b - from);
    }

    /** Whether a Host value names the same site. */
    boolean agrees(String host) {
        return name.equalsIgnoreCase(withoutDefaultPort(host, defaultPort));
    }

    /** The target without the default port it spelled out, or null when it spelled none. */
    String normalized(String target) {
        return portFrom < 0 ? null : target.substring(0, portFrom) + target.substring(portTo);
    }

    /**
     * Drops an empty or default port, again while what is left ends in one ({@code a:80:} is {@code a}): the target
     * sent must not normalize further when read again.
     */
    private static String withoutDefaultPort(String authority, String defaultPort) {
        while (true) {
            int colon = authority.lastIndexOf(':');
            if (colon < 0 || authority.indexOf(']', colon) >= 0) {
                return authority;
            }
            String port = authority.substring(colon + 1);
            if (!port.isEmpty() && !port.equals(defaultPort)) {
                return authority;
            }
            authority = authority.substring(0, colon);
        }
    }
}
