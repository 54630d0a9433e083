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
