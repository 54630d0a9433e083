package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sizes HAProxy 2.6.12 logged as %B and %U for these very messages (behind {@code log-format "%B %U"}, the
 * responses from a test server, the requests from curl and a socket): Bascule's logs count them the same.
 */
class HtxSizeTest {
    private static final Map<String, Long> RESPONSES = Map.ofEntries(
            Map.entry("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 54L),
            Map.entry("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello", 54L),
            Map.entry("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n", 67L),
            Map.entry("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nKeep-Alive: timeout=5\r\n\r\nhello", 73L),
            Map.entry("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nProxy-Connection: keep-alive\r\n\r\nhello", 80L),
            Map.entry("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello", 54L),
            Map.entry("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 56L),
            Map.entry("HTTP/1.1 200 OK\r\nX-A: 1\r\nX-A: 2\r\nContent-Length: 5\r\n\r\nhello", 62L),
            Map.entry("HTTP/1.1 200 \r\nContent-Length: 5\r\n\r\nhello", 52L),
            Map.entry("HTTP/1.1 200 OK\r\nUpgrade: foo\r\nContent-Length: 5\r\n\r\nhello", 64L),
            Map.entry("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", 54L),
            Map.entry("HTTP/1.1 200 OK\r\nX-B:   spaced   \r\nContent-Length: 5\r\n\r\nhello", 63L),
            Map.entry("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 94L),
            Map.entry("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 8\r\n\r\n"
                    + "5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n", 67L),
            Map.entry("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n", 74L),
            Map.entry("HTTP/1.1 204 No Content\r\n\r\n", 42L),
            Map.entry("HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n", 49L),
            Map.entry("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Foo\r\nX-Foo: bar\r\nContent-Length: 5\r\n\r\nhello", 77L),
            Map.entry("HTTP/1.1 200 OK\r\nTE: trailers\r\nContent-Length: 5\r\n\r\nhello", 64L));

    private static final Map<String, Long> REQUESTS = Map.ofEntries(
            Map.entry("GET /a HTTP/1.1\r\nHost: 127.0.0.1:18481\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n", 83L),
            Map.entry("POST /a HTTP/1.1\r\nHost: l\r\nContent-Length: 3\r\n\r\nabc", 58L),
            Map.entry("POST /a HTTP/1.1\r\nHost: l\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 68L),
            Map.entry("GET /a HTTP/1.1\r\nHost: l\r\nConnection: keep-alive\r\n\r\n", 39L),
            Map.entry("GET /a HTTP/1.0\r\nHost: l\r\nProxy-Connection: keep-alive\r\nKeep-Alive: 300\r\n\r\n", 78L));

    /** The request {@code GET /a HTTP/1.1} with only this Connection value, and what HAProxy logged. */
    private static final Map<String, Long> CONNECTION_VALUES = Map.of(
            "close, X-Foo", 49L, "X-Foo, close", 49L, "X-Foo,close", 49L, "X-Foo , close , Y", 52L,
            "keep-alive,close", 34L, "Upgrade", 51L, "X-Foo,  Y", 53L, "close,X-Foo,keep-alive,Y", 51L,
            "  X-Foo  ", 49L);

    @Test
    void responses_count_as_haproxy_logs_them() {
        RESPONSES.forEach((response, expected) -> assertEquals(expected, logged(new ResponseParser(16384), response),
                response));
    }

    @Test
    void requests_count_as_haproxy_logs_them() {
        REQUESTS.forEach((request, expected) -> assertEquals(expected, logged(new RequestParser(16384, () -> { }),
                request), request));
        CONNECTION_VALUES.forEach((value, expected) -> assertEquals(expected, logged(new RequestParser(16384, () -> { }),
                "GET /a HTTP/1.1\r\nConnection: " + value + "\r\n\r\n"), value));
    }

    @Test
    void the_proxys_own_pages_count_as_haproxys() {
        assertEquals(217, HtxSize.page(HttpErrors.response(503, ByteBufAllocator.DEFAULT)));
        assertEquals(198, HtxSize.page(HttpErrors.response(504, ByteBufAllocator.DEFAULT)));
        assertEquals(209, HtxSize.page(HttpErrors.response(502, ByteBufAllocator.DEFAULT)));
    }

    /** The messages' heads in HTX size, their bodies' bytes less the chunk framing, as ClientSide logs them. */
    private static long logged(MessageFramer framer, String bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(framer);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes.getBytes(StandardCharsets.ISO_8859_1)));
        long size = 0;
        for (Object m; (m = ch.readInbound()) != null; ) {
            if (m instanceof MessageHead h) {
                size += h.htxSize() - h.chunkFraming();
            } else if (m instanceof ByteBuf b) {
                size += b.readableBytes();
            }
            ReferenceCountUtil.release(m);
        }
        ch.finishAndReleaseAll();
        return size;
    }
}
