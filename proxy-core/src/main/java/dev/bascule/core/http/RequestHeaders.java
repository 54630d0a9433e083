package dev.bascule.core.http;

import dev.bascule.config.model.HttpSettings.AddressHeader;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.NetUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What the proxy changes in a request head before it goes to the server. */
final class RequestHeaders {
    private RequestHeaders() {
    }

    /**
     * Drops the hop-by-hop headers (RFC 9110 section 7.6.1) except an {@code Upgrade} the client asked for,
     * adds {@code option forwardfor}'s and {@code option originalto}'s headers, and says whether the server
     * connection stays open.
     */
    static void prepare(HttpRequest request, AddressHeader forwardFor, SocketAddress client, AddressHeader originalTo,
                        SocketAddress local, boolean close) {
        HttpHeaders headers = request.headers();
        boolean upgrade = headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && headers.contains(HttpHeaderNames.UPGRADE);
        List<String> named = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty() && !name.equalsIgnoreCase("close") && !name.equalsIgnoreCase("keep-alive")
                        && !name.equalsIgnoreCase("upgrade")) {
                    named.add(name);
                }
            }
        }
        named.forEach(headers::remove);
        headers.remove(HttpHeaderNames.KEEP_ALIVE).remove("Proxy-Connection").remove(HttpHeaderNames.CONNECTION);
        if (!upgrade) {
            headers.remove(HttpHeaderNames.UPGRADE);
        }
        addAddress(headers, forwardFor, client);
        addAddress(headers, originalTo, local);
        if (upgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        } else {
            HttpUtil.setKeepAlive(request, !close);
        }
    }

    private static void addAddress(HttpHeaders headers, AddressHeader option, SocketAddress socket) {
        String address = address(option, socket);
        if (address != null && !(option.ifNone() && headers.contains(option.header()))) {
            headers.add(option.header(), address);
        }
    }

    /** The header line {@code option} adds to a request whose headers are not looked at (no {@code if-none}). */
    static byte[] addressLine(AddressHeader option, SocketAddress socket) {
        String address = address(option, socket);
        return address == null ? null
                : (option.header() + ": " + address + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The address an {@code option forwardfor} or {@code originalto} header gives, or null for none. */
    private static String address(AddressHeader option, SocketAddress socket) {
        if (option != null && socket instanceof InetSocketAddress inet && inet.getAddress() != null
                && !option.excepted(inet.getAddress().getAddress())) {
            // RFC 5952's short form (::1), as HAProxy writes it.
            return NetUtil.toAddressString(inet.getAddress());
        }
        return null;
    }
}
