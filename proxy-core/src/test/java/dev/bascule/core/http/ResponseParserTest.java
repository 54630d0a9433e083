package dev.bascule.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseParserTest {
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n";

    /** What the parser makes of {@code bytes}, fed in pieces of {@code step} bytes: heads, body text, END. */
    private static List<String> parse(String bytes, int step, boolean head, boolean close) {
        ResponseParser parser = new ResponseParser(16384);
        parser.expectResponseTo(head);
        return Framed.of(parser, bytes, step, close, m -> {
            ResponseHead h = (ResponseHead) m;
            return "head " + h.status + (h.keepAlive ? " keep-alive" : " close");
        });
    }

    @Test
    void a_response_with_content_length_comes_out_the_same_however_it_is_cut() {
        String response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: t\r\n\r\nhello";
        for (int step = 1; step <= response.length(); step++) {
            assertEquals(List.of("head 200 keep-alive", "hello", "END"), parse(response, step, false, false),
                    "in pieces of " + step);
        }
    }

    @Test
    void a_chunked_body_keeps_its_framing_and_ends_after_its_trailers_however_it_is_cut() {
        String body = CHUNKED.substring(CHUNKED.indexOf("\r\n\r\n") + 4);
        for (int step = 1; step <= CHUNKED.length(); step++) {
            assertEquals(List.of("head 200 keep-alive", body, "END"), parse(CHUNKED, step, false, false),
                    "in pieces of " + step);
        }
    }

    @Test
    void two_responses_in_a_row_are_framed_apart() {
        String two = "HTTP/1.1 204 No Content\r\n\r\n" + CHUNKED + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        List<String> out = parse(two, two.length(), false, false);
        assertEquals(List.of("head 204 keep-alive", "END", "head 200 keep-alive",
                CHUNKED.substring(CHUNKED.indexOf("\r\n\r\n") + 4), "END", "head 200 keep-alive", "ok", "END"), out);
    }

    @Test
    void bodiless_responses_end_with_their_head() {
        assertEquals(List.of("head 200 keep-alive", "END"),
                parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 7, true, false), "HEAD");
        assertEquals(List.of("head 304 keep-alive", "END"),
                parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n", 7, false, false));
        assertEquals(List.of("head 100 keep-alive", "head 200 keep-alive", "ok", "END"),
                parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 3, false,
                        false), "interim then final");
    }

    @Test
    void a_body_without_length_ends_when_the_server_closes() {
        String response = "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nuntil the end";
        assertEquals(List.of("head 200 close", "until the end"), parse(response, 4, false, false));
        assertEquals(List.of("head 200 close", "until the end", "END"), parse(response, 4, false, true));
        assertEquals(List.of("head 200 keep-alive", "x", "END"),
                parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx", 5, false, false));
        assertEquals(List.of("head 200 close", "x", "END"),
                parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", 5, false, false));
    }

    @Test
    void after_101_everything_passes() {
        assertEquals(List.of("head 101 keep-alive", "\u0081\u0002hi"),
                parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                        + "\u0081\u0002hi", 100, false, false));
    }

    @Test
    void responses_that_cannot_be_framed_are_invalid_and_nothing_after_them_counts() {
        for (String junk : List.of("HTTP/1.1 2OO OK\r\n\r\n", "HTTP/2.0 200 OK\r\n\r\n", "ICY 200 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
                "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx", "HTTP/1.1 200 OK\r\n folded\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n")) {
            List<String> out = parse(junk + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1000, false, false);
            assertEquals(1, out.size(), junk + " gave " + out);
            assertTrue(out.get(0).startsWith("Invalid"), junk + " gave " + out);
        }
        List<String> badChunk = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n", 1000,
                false, false);
        assertEquals("head 200 keep-alive", badChunk.get(0));
        assertTrue(badChunk.get(badChunk.size() - 1).startsWith("Invalid"), badChunk.toString());
        String huge = "HTTP/1.1 200 OK\r\nX: " + "a".repeat(16400) + "\r\n\r\n";
        assertTrue(parse(huge, 1000, false, false).get(0).startsWith("Invalid"));
    }

    private static ResponseHead head(String text) {
        ByteBuf in = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        ResponseHead head = ResponseHead.parse(in, 16384, false);
        in.release();
        return head;
    }

    private static String toClient(ResponseHead head, boolean keepAlive) {
        ByteBuf out = head.toClient(ByteBufAllocator.DEFAULT, keepAlive, true, null);
        String text = out.toString(StandardCharsets.ISO_8859_1);
        out.release();
        return text;
    }

    @Test
    void the_client_is_told_what_becomes_of_its_connection_the_rest_of_the_head_as_sent() {
        ResponseHead nginx = head("HTTP/1.1 200 OK\r\nServer: nginx\r\nConnection: keep-alive\r\n"
                + "Content-Length: 3\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 3\r\n\r\n", toClient(nginx, true));
        assertEquals("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 3\r\nConnection: close\r\n\r\n",
                toClient(nginx, false));
        nginx.release();
        ResponseHead old = head("HTTP/1.0 200 OK\nContent-Length: 3\n\n");
        assertEquals("HTTP/1.0 200 OK\nContent-Length: 3\nConnection: keep-alive\r\n\n", toClient(old, true));
        assertEquals("HTTP/1.0 200 OK\nContent-Length: 3\n\n", toClient(old, false));
        old.release();
        ResponseHead plain = head("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        assertEquals("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", toClient(plain, true));
        plain.release();
    }

    @Test
    void an_http_1_0_client_kept_alive_is_told_so_whatever_the_server_version() {
        // HAProxy's h1_update_res_conn_value: keep-alive is said unless both request and response are HTTP/1.1.
        ResponseHead nginx = head("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\n");
        ByteBuf out = nginx.toClient(ByteBufAllocator.DEFAULT, true, false, null);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n",
                out.toString(StandardCharsets.ISO_8859_1));
        out.release();
        out = nginx.toClient(ByteBufAllocator.DEFAULT, false, false, null);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n",
                out.toString(StandardCharsets.ISO_8859_1));
        out.release();
        out = nginx.toClient(ByteBufAllocator.DEFAULT, true, false, r -> r.headers().add("X-Edit", "1"));
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-Edit: 1\r\nConnection: keep-alive\r\n\r\n",
                out.toString(StandardCharsets.ISO_8859_1));
        out.release();
        nginx.release();
    }

    @Test
    void edited_heads_are_rebuilt_and_ambiguous_framing_loses_its_content_length() {
        ResponseHead h = head("HTTP/1.1 200 Fine\r\nSet-Cookie: a=1\r\nConnection: keep-alive\r\n"
                + "Content-Length: 3\r\n\r\n");
        ByteBuf out = h.toClient(ByteBufAllocator.DEFAULT, true, true,
                r -> r.headers().add(HttpHeaderNames.SET_COOKIE, "SRV=s1; path=/"));
        assertEquals("HTTP/1.1 200 Fine\r\nSet-Cookie: a=1\r\nContent-Length: 3\r\nset-cookie: SRV=s1; path=/\r\n\r\n",
                out.toString(StandardCharsets.ISO_8859_1));
        out.release();
        h.release();
        ResponseHead smuggled = head("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertTrue(smuggled.chunked);
        assertFalse(smuggled.keepAlive);
        assertEquals(-1, smuggled.contentLength);
        assertEquals("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                toClient(smuggled, false));
        smuggled.release();
        assertSame(null, ResponseHead.parse(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nA: b\r\n",
                StandardCharsets.US_ASCII), 16384, false), "an unfinished head waits");
        assertInstanceOf(ResponseHead.class, head("HTTP/1.1 200\r\n\r\n"), "a status line without reason");
    }
}
