package dev.bascule.core.sample;

import io.netty.handler.codec.http.HttpRequest;

import java.util.List;

/**
 * A read-only view of a request head for the fetches: reading through it never edits the head, so a head read
 * by a condition still goes to the server in the bytes it came in.
 */
public interface RequestView extends HeaderView {
    String methodName();

    /** The request target as written. */
    String uri();

    /** {@code 1.0} or {@code 1.1}. */
    String versionNumber();

    /** The values of the header lines named {@code name} (any case), in order, each whole; empty when none. */
    List<String> headerLines(String name);

    /** The header names, one per line, as written. */
    List<String> headerNames();

    /** The body held for the rules ({@code http-request wait-for-body}), its chunk framing out; empty when none. */
    default byte[] bodyBytes() {
        return new byte[0];
    }

    /** The body's advertised length: its Content-Length, or what of a chunked body is held. */
    default long bodySize() {
        return 0;
    }

    /** A view of a Netty request (an applet's), read through its header objects. */
    static RequestView of(HttpRequest request) {
        return new RequestView() {
            @Override
            public String methodName() {
                return request.method().name();
            }

            @Override
            public String uri() {
                return request.uri();
            }

            @Override
            public String versionNumber() {
                return request.protocolVersion().majorVersion() + "." + request.protocolVersion().minorVersion();
            }

            @Override
            public List<String> headerLines(String name) {
                return request.headers().getAll(name);
            }

            @Override
            public List<String> headerNames() {
                return request.headers().entries().stream().map(java.util.Map.Entry::getKey).toList();
            }
        };
    }
}
