package dev.bascule.core.http;

import dev.bascule.config.model.ErrorPage;
import dev.bascule.config.model.HttpSettings;
import dev.bascule.core.sample.SampleContext;
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
import java.util.function.Function;

/**
 * The pages a proxy answers instead of HAProxy's own ({@code errorfile}, {@code errorfiles}, {@code errorloc*},
 * {@code http-error}), built once at startup ({@link #preload}) so that no event loop ever reads a file. A file holds
 * the whole response, status line and headers included, as in HAProxy; an {@code http-error} page is a {@link Reply},
 * its log-format payload and headers evaluated for each answer.
 */
final class ErrorPages {
    private static final Map<Map<Integer, ErrorPage>, Map<Integer, Function<SampleContext, FullHttpResponse>>> LOADED =
            new ConcurrentHashMap<>();

    private ErrorPages() {
    }

    /** Reads the files of {@code settings}; called while starting, off the event loops. */
    static void preload(HttpSettings settings) {
        LOADED.computeIfAbsent(settings.errorFiles(), ErrorPages::load);
    }

    /** A fresh copy of the configured response for {@code code}, or null for HAProxy's default page. */
    static FullHttpResponse of(HttpSettings settings, int code, SampleContext c) {
        if (settings.errorFiles().isEmpty()) {
            return null;
        }
        Function<SampleContext, FullHttpResponse> page = LOADED.computeIfAbsent(settings.errorFiles(),
                ErrorPages::load).get(code);
        return page == null ? null : page.apply(c);
    }

    private static Map<Integer, Function<SampleContext, FullHttpResponse>> load(Map<Integer, ErrorPage> configured) {
        Map<Integer, Function<SampleContext, FullHttpResponse>> pages = new HashMap<>();
        configured.forEach((code, page) -> pages.put(code, build(code, page)));
        return pages;
    }

    private static Function<SampleContext, FullHttpResponse> build(int code, ErrorPage page) {
        if (page instanceof ErrorPage.Reply reply) {
            return Reply.of(reply.reply())::build;
        }
        FullHttpResponse fixed;
        if (page instanceof ErrorPage.File f) {
            try {
                fixed = parse(Files.readAllBytes(Path.of(f.path())), code);
            } catch (IOException e) {
                throw new UncheckedIOException("errorfile " + code + " " + f.path(), e);
            }
        } else {
            ErrorPage.Location l = (ErrorPage.Location) page;
            // HAProxy's http_parse_errorloc: these headers, in this order, and no body.
            fixed = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(l.code()),
                    Unpooled.EMPTY_BUFFER);
            fixed.headers().add(HttpHeaderNames.CACHE_CONTROL, "no-cache").add(HttpHeaderNames.CONTENT_LENGTH, 0)
                    .add(HttpHeaderNames.LOCATION, l.url());
        }
        return c -> fixed.retainedDuplicate();
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
