package dev.bascule.core.http;

import dev.bascule.core.sample.ResponseView;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.Map;

/**
 * A response head the response rules read and edit: a server's ({@link ResponseHead}, edited in header objects
 * only once a rule changes it) or one of the proxy's own answers ({@link #of}).
 */
interface EditableResponse extends ResponseView {
    /** The header objects, for a rule that edits them. */
    HttpHeaders headers();

    /** {@code set-status}: the code and the reason the client gets. */
    void status(int code, String reason);

    /** {@code set-header}: every line of the name replaced by one. */
    default void set(String name, String value) {
        headers().set(name, value);
    }

    /** {@code add-header}: a line more. */
    default void add(String name, String value) {
        headers().add(name, value);
    }

    /** {@code del-header}: every line of the name. */
    default void delete(String name) {
        headers().remove(name);
    }

    /** One of the proxy's answers, edited in place (each is a copy made for its transaction). */
    static EditableResponse of(FullHttpResponse page) {
        return new EditableResponse() {
            @Override
            public HttpHeaders headers() {
                return page.headers();
            }

            @Override
            public void status(int code, String reason) {
                page.setStatus(new HttpResponseStatus(code, reason));
            }

            @Override
            public int status() {
                return page.status().code();
            }

            @Override
            public String versionNumber() {
                return page.protocolVersion().majorVersion() + "." + page.protocolVersion().minorVersion();
            }

            @Override
            public List<String> headerLines(String name) {
                return page.headers().getAll(name);
            }

            @Override
            public List<String> headerNames() {
                return page.headers().entries().stream().map(Map.Entry::getKey).toList();
            }
        };
    }
}
