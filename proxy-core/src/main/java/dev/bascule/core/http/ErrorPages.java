package dev.bascule.core.http;

import dev.bascule.config.model.ErrorPage;
import dev.bascule.config.model.HttpSettings;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pages a proxy answers instead of HAProxy's own ({@code errorfile}, {@code errorfiles}, {@code errorloc*},
 * {@code http-error}), built once at startup ({@link #preload}) so that no event loop ever reads a file. A file holds
 * the whole response, status line and headers included, as in HAProxy.
 */
final class ErrorPages {
    private static final Map<Map<Integer, ErrorPage>, Map<Integer, FullHttpResponse>> LOADED = new ConcurrentHashMap<>();

    private ErrorPages() {
    }

    /** Reads the files of {@code settings}; called while starting, off the event loops. */
    static void preload(HttpSettings settings) {
        LOADED.computeIfAbsent(settings.errorFiles(), ErrorPages::load);
    }

    /** A fresh copy of the configured response for {@code code}, or null for HAProxy's default page. */
    static FullHttpResponse of(HttpSettings settings, int code) {
        if (settings.errorFiles().isEmpty()) {
            return null;
        }
        FullHttpResponse page = LOADED.computeIfAbsent(settings.errorFiles(), ErrorPages::load).get(code);
        return page == null ? null : page.retainedDuplicate();
    }

    private static Map<Integer, FullHttpResponse> load(Map<Integer, ErrorPage> configured) {
        Map<Integer, FullHttpResponse> pages = new HashMap<>();
        configured.forEach((code, page) -> pages.put(code, build(code, page)));
        return pages;
    }

    private static FullHttpResponse build(int code, ErrorPage page) {
        if (page instanceof ErrorPage.File f) {
            try {
                return parse(Files.readAllBytes(Path.of(f.path())), code);
            } catch (IOException e) {
                throw new UncheckedIOException("errorfile " + code + " " + f.path(), e);
            }
        }
        if (page instanceof ErrorPage.Location l) {
            // HAProxy's http_parse_errorloc: these headers, in this order, and no body.
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(l.code()),
                    Unpooled.EMPTY_BUFFER);
            r.headers().add(HttpHeaderNames.CACHE_CONTROL, "no-cache").add(HttpHeaderNames.CONTENT_LENGTH, 0)
                    .add(HttpHeaderNames.LOCATION, l.url());
            return r;
        }
        ErrorPage.Reply reply = (ErrorPage.Reply) page;
        byte[] body = reply.body().getBytes(StandardCharsets.ISO_8859_1);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
                Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(body)));
        // HAProxy's http_reply_to_htx order: the rule's headers, then the length, then the type.
        for (String h : reply.headers()) {
            int colon = h.indexOf(':');
            r.headers().add(h.substring(0, colon), h.substring(colon + 2));
        }
        r.headers().add(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (body.length > 0 && reply.contentType() != null) {
            r.headers().add(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        }
        return r;
    }

    /** Status line, headers, blank line, body; LF or CRLF line ends. Content-Length is set to the body's. */
    static FullHttpResponse parse(byte[] raw, int code) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        int bodyStart = end >= 0 ? end + 4 : text.indexOf("\n\n") >= 0 ? text.indexOf("\n\n") + 2 : text.length();
        String[] head = text.substring(0, end >= 0 ? end : Math.max(0, bodyStart - 2)).split("\r?\n");
        String[] status = head[0].split(" ", 3);
        HttpResponseStatus s = status.length >= 2 && status[1].matches("\\d{3}")
                ? new HttpResponseStatus(Integer.parseInt(status[1]), status.length == 3 ? status[2] : "")
                : HttpResponseStatus.valueOf(code);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s,
                Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(Arrays.copyOfRange(raw, bodyStart, raw.length))));
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            if (colon > 0) {
                response.headers().add(head[i].substring(0, colon).trim(), head[i].substring(colon + 1).trim());
            }
        }
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, raw.length - bodyStart);
        return response;
    }
}
